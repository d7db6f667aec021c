// PermitRootLogin's four answers to "may uid 0 log in, and how".
package dev.sftpd.monitor.auth;

/** sshd_config spells them yes, prohibit-password (or without-password), forced-commands-only and no. */
public enum PermitRoot {
    YES,
    /** Only by public key: no password can be guessed for root. */
    PROHIBIT_PASSWORD,
    /** Only by a public key whose authorized_keys line forces a command (command="..."). */
    FORCED_COMMANDS_ONLY,
    NO
}
