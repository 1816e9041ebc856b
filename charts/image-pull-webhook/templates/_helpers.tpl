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
{{- end -}}

{{/* "true" when some profile pins digests (the webhook then reads pull Secrets). */}}
{{- define "ipw.pins" -}}
{{- $pins := false -}}
{{- range $name, $profile := .Values.profiles }}{{ if $profile.pinDigests }}{{ $pins = true }}{{ end }}{{ end -}}
{{- $pins -}}
{{- end -}}

{{/* The ServiceAccount token is mounted only when the webhook talks to the API. */}}
{{- define "ipw.needsToken" -}}
{{- or (eq .Values.certificates.mode "managed") (eq (include "ipw.pins" .) "true") -}}
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
{{- if ne (include "ipw.pins" .) "true" -}}
{{- fail "credentialProviders is set, but no profile has pinDigests: true, and only pinning uses them" -}}
{{- end -}}
{{- end -}}
{{- $enabled -}}
{{- end -}}

{{/* Where the plugins' configuration and binaries are mounted. */}}
{{- define "ipw.credentialProvidersDir" -}}
/etc/image-pull-webhook/credential-providers
{{- end -}}
