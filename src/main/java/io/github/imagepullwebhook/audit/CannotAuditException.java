package io.github.imagepullwebhook.audit;

/**
 * The audit cannot go on at all: the API server does not answer, refuses the credentials, or
 * refuses the namespace list a selector needs. Every further request would fail the same way,
 * so the audit stops with one line rather than one per list.
 */
public final class CannotAuditException extends Exception {

    public CannotAuditException(String message) {
        super(message);
    }
}
