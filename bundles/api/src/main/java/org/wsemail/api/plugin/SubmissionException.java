package org.wsemail.api.plugin;

/** A message a plug-in submitted was refused by a sending plug-in; nothing was queued. */
public class SubmissionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String refusedBy;

    public SubmissionException(String refusedBy, String reason) {
        super(reason);
        this.refusedBy = refusedBy;
    }

    /** The name of the plug-in that refused the message. */
    public String refusedBy() {
        return refusedBy;
    }
}
