package org.wsemail.api.runtime;

/** A plug-in bundle could not be installed or removed; the message says why, for an administrator. */
public class PluginDeploymentException extends Exception {
    private static final long serialVersionUID = 1L;

    public PluginDeploymentException(String message) {
        super(message);
    }

    public PluginDeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
