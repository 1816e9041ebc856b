{{/* Name of every object; also the Service name the certificate is issued for. */}}
{{- define "ipw.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ipw.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ipw.labels" -}}
{{ include "ipw.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/part-of: image-pull-webhook
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ipw.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The Secret holding tls.crt / tls.key (and ca.crt where there is one). */}}
{{- define "ipw.tlsSecret" -}}
{{- if eq .Values.certificates.mode "provided" -}}
{{- required "certificates.provided.secretName is required in provided mode" .Values.certificates.provided.secretName -}}
{{- else -}}
{{- printf "%s-tls" (include "ipw.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* caBundle and the cert-manager injection annotation of a webhook configuration. */}}
{{- define "ipw.caAnnotations" -}}
{{- if or (eq .Values.certificates.mode "certManager") .Values.commonAnnotations }}
annotations:
  {{- if eq .Values.certificates.mode "certManager" }}
  cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "ipw.fullname" .) }}
  {{- end }}
  {{- with .Values.commonAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
Everything one webhook entry shares between the mutating and validating configurations.
Arguments: (dict "root" $ "name" $name "profile" $profile "path" "/mutate/x")
*/}}
{{- define "ipw.webhookEntry" -}}
{{- $root := .root -}}
- name: {{ printf "%s.%s.image-pull-webhook.io" .name .kind }}
  admissionReviewVersions: ["v1", "v1beta1"]
  sideEffects: None
  matchPolicy: Equivalent
  timeoutSeconds: {{ $root.Values.timeoutSeconds }}
  failurePolicy: {{ .profile.failurePolicy | default (ternary "Fail" "Ignore" (.profile.alwaysPull | default false)) }}
  clientConfig:
    service:
      name: {{ include "ipw.fullname" $root }}
      namespace: {{ $root.Release.Namespace }}
      path: {{ .path }}
      port: 443
    {{- if eq $root.Values.certificates.mode "provided" }}
    caBundle: {{ required "certificates.provided.caBundle is required in provided mode" $root.Values.certificates.provided.caBundle }}
    {{- end }}
  namespaceSelector:
    {{- $selector := .profile.namespaceSelector | default dict }}
    {{- with $selector.matchLabels }}
    matchLabels:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    matchExpressions:
      # Never the control plane's own namespace, nor the webhook's (it must be able to start
      # its own pods while it is down).
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values: [kube-system, {{ $root.Release.Namespace }}]
      {{- with $selector.matchExpressions }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
  {{- with .profile.objectSelector }}
  objectSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- if eq (include "ipw.actsOnTemplates" (dict "profile" .profile "kind" .kind)) "true" }}
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["pods", "pods/ephemeralcontainers", "replicationcontrollers", "podtemplates"]
      scope: Namespaced
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]
      scope: Namespaced
    - apiGroups: ["batch"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["jobs", "cronjobs"]
      scope: Namespaced
    {{- else }}
    # Pods only: every controller creates pods, so templates need not be sent here.
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["pods", "pods/ephemeralcontainers"]
      scope: Namespaced
    {{- end }}
{{- end -}}

{{/*
"true" when a profile's webhook entry must see workload templates too: alwaysPull with the
workloads scope (the only thing the validate entry checks), or, for the mutate entry, pinning
templates or warning about them at kubectl apply.
*/}}
{{- define "ipw.actsOnTemplates" -}}
{{- $p := .profile -}}
{{- $alwaysPull := and ($p.alwaysPull | default false) (eq ($p.alwaysPullScope | default "pods") "workloads") -}}
{{- if eq .kind "validate" -}}
{{- $alwaysPull -}}
{{- else -}}
{{- $pins := and ($p.pinDigests | default false) (ne ($p.pinScope | default "all") "pods") -}}
{{- or $alwaysPull $pins ($p.warnLatest | default false) ($p.checkPullSecrets | default false) -}}
{{- end -}}
{{- end -}}

{{/* "true" when some profile pins digests or checks pull Secrets (the webhook then reads them). */}}
{{- define "ipw.pins" -}}
{{- $pins := false -}}
{{- range $name, $profile := .Values.profiles }}{{ if or $profile.pinDigests $profile.checkPullSecrets }}{{ $pins = true }}{{ end }}{{ end -}}
{{- $pins -}}
{{- end -}}

{{/* The ServiceAccount token is mounted only when the webhook talks to the API. */}}
{{- define "ipw.needsToken" -}}
{{- or (eq .Values.certificates.mode "managed") (eq (include "ipw.pins" .) "true") -}}
{{- end -}}

{{/*
Where the client CA comes from: "caBundle" (a ConfigMap the chart makes), "configMap", "secret",
or "" when any caller may send reviews.
*/}}
{{- define "ipw.clientCaSource" -}}
{{- $auth := .Values.clientAuth -}}
{{- $sources := list -}}
{{- range $key := list "caBundle" "configMap" "secret" }}{{ if get $auth $key }}{{ $sources = append $sources $key }}{{ end }}{{ end -}}
{{- if gt (len $sources) 1 -}}
{{- fail (printf "clientAuth: set one of caBundle, configMap or secret, not %s" (join " and " $sources)) -}}
{{- end -}}
{{- if and $auth.names (not $sources) -}}
{{- fail "clientAuth.names needs the CA that signs those certificates: set clientAuth.caBundle, configMap or secret" -}}
{{- end -}}
{{- first $sources | default "" -}}
{{- end -}}

{{/* The directory the client CA is mounted at (a whole volume, not subPath, so updates reach the pod). */}}
{{- define "ipw.clientCaDir" -}}
/etc/image-pull-webhook/client-ca
{{- end -}}

{{/* "true" when credential provider plugins are configured; refuses half or unused setups. */}}
{{- define "ipw.credentialProviders" -}}
{{- $cp := .Values.credentialProviders -}}
{{- $enabled := or (not (empty $cp.config)) (not (empty $cp.existingConfigMap.name)) -}}
{{- if $enabled -}}
{{- if and (not (empty $cp.config)) (not (empty $cp.existingConfigMap.name)) -}}
{{- fail "credentialProviders: set config or existingConfigMap.name, not both" -}}
{{- end -}}
{{- if empty $cp.binVolume -}}
{{- fail "credentialProviders.binVolume is required: the volume that holds the plugin binaries" -}}
{{- end -}}
{{- $pins := false -}}
{{- range $name, $profile := $.Values.profiles }}{{ if $profile.pinDigests }}{{ $pins = true }}{{ end }}{{ end -}}
{{- if not $pins -}}
{{- fail "credentialProviders is set, but no profile has pinDigests: true, and only pinning uses them" -}}
{{- end -}}
{{- end -}}
{{- $enabled -}}
{{- end -}}

{{/* Where the plugins' configuration and binaries are mounted. */}}
{{- define "ipw.credentialProvidersDir" -}}
/etc/image-pull-webhook/credential-providers
{{- end -}}
