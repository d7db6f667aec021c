// What a key login may do beyond logging in: its forced command and its port forwarding, as sshd's struct sshauthopt keeps them.
package dev.sftpd.monitor.auth;

import java.util.List;
import java.util.Optional;

/**
 * @param command the command forced by command= or a certificate's force-command
 * @param portForwarding whether direct-tcpip may be asked for at all (no-port-forwarding and restrict
 *     take it away; a certificate grants it only with permit-port-forwarding)
 * @param permitOpen the key line's permitopen="host:port" targets; empty for no restriction by the key
 */
public record KeyPermissions(Optional<String> command, boolean portForwarding, List<String> permitOpen) {
    /** A login by password or keyboard-interactive: nothing restricts it beyond the configuration. */
    public static final KeyPermissions NONE = new KeyPermissions(Optional.empty(), true, List.of());

    public KeyPermissions {
        permitOpen = List.copyOf(permitOpen);
    }

    /** A plain key's authorized_keys line. */
    public static KeyPermissions of(KeyOptions line) {
        return new KeyPermissions(line.command(), !line.noPortForwarding(), line.permitOpen());
    }

    /**
     * sshauthopt_merge() of a certificate's line (authorized_keys cert-authority, or the principals
     * file's, if any) with the certificate: flags must be granted by both, targets come from the line.
     */
    static KeyPermissions of(Optional<KeyOptions> line, CertificateOptions cert, Optional<String> command) {
        boolean lineForwards = line.map(l -> !l.noPortForwarding()).orElse(true);
        return new KeyPermissions(command, lineForwards && cert.portForwarding(),
                line.map(KeyOptions::permitOpen).orElse(List.of()));
    }
}
