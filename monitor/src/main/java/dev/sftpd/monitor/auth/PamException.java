// A PAM call that did not return PAM_SUCCESS, with PAM's own status and words for it.
package dev.sftpd.monitor.auth;

public final class PamException extends Exception {
    private final int code;
    private final String pamMessage;

    PamException(String call, int code, String pamMessage) {
        super(call + ": " + pamMessage, null, false, false);
        this.code = code;
        this.pamMessage = pamMessage;
    }

    /** The PAM status, e.g. 7 (PAM_AUTH_ERR), 13 (PAM_ACCT_EXPIRED). */
    public int code() {
        return code;
    }

    /** pam_strerror(3) of the status, e.g. "Authentication failure", "User account has expired". */
    public String pamMessage() {
        return pamMessage;
    }

    /**
     * PAM_NEW_AUTHTOK_REQD from account management: the password expired or root forced a change.
     * sshd lets such a user in only to change it on a terminal, which an SFTP session never has.
     */
    public boolean passwordChangeRequired() {
        return code == PamLibrary.NEW_AUTHTOK_REQD;
    }
}
