// The options a user certificate carries, read and applied as sshd's sshauthopt_from_cert() and auth_authorise_keyopts() do.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.OpenSshCertificate.CertificateOption;

/**
 * A critical option the server does not understand makes the certificate unusable (PROTOCOL.certkeys),
 * so only force-command and source-address pass. verify-required is refused too: it asks for
 * FIDO user verification, and no FIDO key is accepted here, so sshd would refuse the signature
 * anyway. Extensions only grant session features, so an unknown one is logged and ignored.
 */
record CertificateOptions(Optional<String> forceCommand, Optional<String> sourceAddress, boolean portForwarding) {
    private static final SshLog LOG = SshLog.get(CertificateOptions.class);
    private static final Set<String> EXTENSIONS = Set.of("no-touch-required", "permit-X11-forwarding",
            "permit-agent-forwarding", "permit-port-forwarding", "permit-pty", "permit-user-rc");
    /** addr_match_cidr_list() turns away longer entries before they reach the address parser: INET6_ADDRSTRLEN + "/128". */
    private static final int MAX_CIDR_ENTRY = 46 + 3;
    private static final String CIDR_CHARS = "0123456789abcdefABCDEF.:/";

    /** cert_option_list() over the critical options, then the extensions; empty when the certificate must be refused. */
    static Optional<CertificateOptions> of(OpenSshCertificate cert) {
        String command = null;
        String source = null;
        for (CertificateOption option : cert.getCriticalOptions()) {
            String name = option.getName();
            if (OpenSshCertificate.FORCE_COMMAND.equals(name)) {
                if (command != null) {
                    LOG.error("Certificate has multiple force-command options");
                    return Optional.empty();
                }
                command = option.getData();
            } else if (OpenSshCertificate.SOURCE_ADDRESS.equals(name)) {
                if (source != null) {
                    LOG.error("Certificate has multiple source-address options");
                    return Optional.empty();
                }
                if (!wellFormed(option.getData())) {
                    LOG.error("Certificate source-address contents invalid");
                    return Optional.empty();
                }
                source = option.getData();
            } else {
                LOG.error("Certificate critical option \"%s\" is not supported", name);
                return Optional.empty();
            }
        }
        boolean portForwarding = false;
        for (CertificateOption extension : cert.getExtensions()) {
            if (!EXTENSIONS.contains(extension.getName())) {
                LOG.info("Certificate extension \"%s\" is not supported", extension.getName());
            }
            portForwarding |= extension.getName().equals("permit-port-forwarding");
        }
        return Optional.of(new CertificateOptions(Optional.ofNullable(command), Optional.ofNullable(source),
                portForwarding));
    }

    /** The source-address part of auth_authorise_keyopts(); {@code loc} is "cert" or the authorized_keys line. */
    boolean admit(Account user, Client client, String loc) {
        if (sourceAddress.isEmpty()) {
            return true;
        }
        // Entries are known to hold address characters only: no negation, no wildcard, so this is CIDR matching.
        HostPatterns.Match match = HostPatterns.match(Client.of(client.address()), sourceAddress.get());
        if (match == HostPatterns.Match.YES) {
            return true;
        }
        if (match == HostPatterns.Match.INVALID) {
            LOG.error("%s: Certificate source-address invalid", loc);
        }
        LOG.info("%s: Authentication tried for %.100s with valid certificate but not from a permitted source "
                + "address (%.200s).", loc, user.name(), client.addressText());
        return false;
    }

    /**
     * addr_match_cidr_list()'s checks on each entry before any address parsing. An entry of address
     * characters that is still no address (such as "abc") matches nothing here, where sshd would
     * refuse the whole list; a mask inconsistent with its address is refused by {@link #admit}.
     */
    private static boolean wellFormed(String list) {
        for (String entry : list.split(",", -1)) {
            if (entry.isEmpty() || entry.length() > MAX_CIDR_ENTRY
                    || !entry.chars().allMatch(c -> CIDR_CHARS.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }
}
