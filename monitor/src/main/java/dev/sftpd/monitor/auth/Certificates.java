// The monitor's decision on an OpenSSH user certificate: TrustedUserCAKeys with AuthorizedPrincipalsFile, or cert-authority lines.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Each way keeps sshd's order of checks and its log lines: user_cert_trusted_ca() in
 * auth2-pubkey.c, auth_check_authkey_line() in auth2-pubkeyfile.c. The CA's signature over the
 * certificate is checked first: sshd refuses a badly signed certificate while decoding it,
 * whereas MINA's parser takes it as it comes. Whether the client holds the certified key is the
 * caller's to check, with the user's signature, as for a plain key.
 */
public final class Certificates {
    private static final SshLog LOG = SshLog.get(Certificates.class);
    /** CASignatureAlgorithms' default: every algorithm verified here except ssh-rsa, as no CA should sign with SHA-1. */
    private static final Set<String> CA_SIGNATURE_ALGORITHMS = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256");
    private static final String NO_AUTHORIZED_PRINCIPAL = "Certificate does not contain an authorized principal";
    /** The lines arrive already read, so log lines name the setting rather than the file. */
    private static final String PRINCIPALS_FILE = "AuthorizedPrincipalsFile";

    /** What a certificate login is allowed to do, when accepted; {@code serial} is unsigned, as on the wire. */
    public record Accepted(KeyPermissions permissions, String caFingerprint, String keyId, long serial) {
        public Optional<String> forceCommand() {
            return permissions.command();
        }
    }

    /** Why a certificate is refused, in sshd's words; thrown only between the checks here. */
    private static final class Refusal extends Exception {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    private Certificates() {}

    /**
     * sshd's user_cert_trusted_ca(): the certificate is signed by a CA listed in one of
     * {@code trustedUserCaKeys}, then names an allowed principal: one of {@code authorizedPrincipals}
     * (the expanded AuthorizedPrincipalsFile's lines; present but empty when that file is missing)
     * when configured, else the user's name. Its critical options then apply.
     */
    public static Optional<Accepted> checkTrustedCa(Account user, OpenSshCertificate cert,
                                                    List<TrustedCaFile> trustedUserCaKeys,
                                                    Optional<List<String>> authorizedPrincipals, Client client) {
        if (trustedUserCaKeys.isEmpty() || !signedByItsCa(cert)) {
            return Optional.empty();
        }
        PublicKey ca = cert.getCaPubKey();
        Optional<Path> listing = listing(user, ca, trustedUserCaKeys);
        if (listing.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<KeyOptions> principalOptions = Optional.empty();
            if (authorizedPrincipals.isPresent()) {
                principalOptions = Optional.of(principalsEntry(cert, authorizedPrincipals.get())
                        .orElseThrow(() -> new Refusal(NO_AUTHORIZED_PRINCIPAL)));
            }
            checkAuthority(cert, true, authorizedPrincipals.isPresent() ? Optional.empty() : Optional.of(user.name()));
            CertificateOptions options = admittedOptions(cert, user, client, "cert");
            Optional<String> command = options.forceCommand();
            if (principalOptions.isPresent()) {
                if (!KeyOptionChecks.admit(user, principalOptions.get(), false, client, "principals")) {
                    throw new Refusal("Refused by certificate principals options");
                }
                command = forceCommand(principalOptions.get(), options);
            }
            LOG.verbose("Accepted certificate ID \"%s\" (serial %s) signed by %s CA %s via %s", cert.getId(),
                    Long.toUnsignedString(cert.getSerial()), Keys.shortType(ca), Keys.fingerprint(ca), listing.get());
            return Optional.of(new Accepted(KeyPermissions.of(principalOptions, options, command), Keys.fingerprint(ca),
                    cert.getId(), cert.getSerial()));
        } catch (Refusal r) {
            LOG.error("%s", r.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The cert-authority lines of the user's authorized_keys files: the first line naming the
     * certificate's CA whose options, with the certificate's, admit it. principals="..." on that
     * line lists the principals allowed; without it the user's name must be a principal.
     * {@code strictModes} is StrictModes, as for {@link AuthorizedKeys#find}.
     */
    public static Optional<Accepted> checkAuthorizedKeysCa(Account user, List<Path> authorizedKeysFiles,
                                                           OpenSshCertificate cert, Client client,
                                                           boolean strictModes) {
        if (!signedByItsCa(cert)) {
            return Optional.empty();
        }
        for (Path file : authorizedKeysFiles) {
            LOG.debug1("trying public key file %s", file);
            Optional<Accepted> accepted = AuthorizedKeysFile.scan(file, user, strictModes,
                    (loc, line) -> checkCaLine(user, cert, client, loc, line));
            if (accepted.isPresent()) {
                return accepted;
            }
        }
        return Optional.empty();
    }

    /** auth_check_authkey_line() for a certificate. */
    private static Optional<Accepted> checkCaLine(Account user, OpenSshCertificate cert, Client client,
                                                  String loc, String line) {
        PublicKey ca = cert.getCaPubKey();
        Optional<AuthorizedKeysLine> entry = AuthorizedKeysLine.read(loc, line);
        if (entry.isEmpty() || !entry.get().options().certAuthority() || !KeyUtils.compareKeys(entry.get().key(), ca)) {
            return Optional.empty();
        }
        KeyOptions lineOptions = entry.get().options();
        String type = Keys.shortType(ca);
        String fp = Keys.fingerprint(ca);
        LOG.debug1("%s: matching CA found: %s %s", loc, type, fp);
        if (!KeyOptionChecks.admit(user, lineOptions, true, client, loc)) {
            LOG.error("Refused by key options at %s", loc);
            return Optional.empty();
        }
        try {
            CertificateOptions certOptions = admittedOptions(cert, user, client, loc);
            Optional<String> command = forceCommand(lineOptions, certOptions);
            Optional<String> principals = lineOptions.principals();
            if (principals.isPresent() && !listsAPrincipal(principals.get(), cert)) {
                throw new Refusal(NO_AUTHORIZED_PRINCIPAL);
            }
            checkAuthority(cert, false, principals.isPresent() ? Optional.empty() : Optional.of(user.name()));
            LOG.verbose("Accepted certificate ID \"%s\" (serial %s) signed by CA %s %s found at %s", cert.getId(),
                    Long.toUnsignedString(cert.getSerial()), type, fp, loc);
            return Optional.of(new Accepted(KeyPermissions.of(Optional.of(lineOptions), certOptions, command), fp,
                    cert.getId(), cert.getSerial()));
        } catch (Refusal r) {
            LOG.error("Refusing certificate ID \"%s\" serial=%s signed by %s CA %s via %s: %s", cert.getId(),
                    Long.toUnsignedString(cert.getSerial()), type, fp, loc, r.getMessage());
            return Optional.empty();
        }
    }

    /**
     * What sshd checks while decoding a certificate (cert_parse(): keys of usable size, the CA's
     * signature) and then of the CA's signature algorithm (sshkey_check_cert_sigtype()). A CA key
     * that is itself a certificate has no signature algorithm here, so it fails verification.
     */
    private static boolean signedByItsCa(OpenSshCertificate cert) {
        if (!Keys.usable(cert.getCertPubKey()) || !Keys.usable(cert.getCaPubKey())) {
            LOG.error("parse key: Invalid key length");
            return false;
        }
        if (!PublicKeySignature.verify(cert.getCaPubKey(), cert.getSignature(), cert.getMessage())) {
            LOG.error("parse key: incorrect signature");
            return false;
        }
        if (!CA_SIGNATURE_ALGORITHMS.contains(cert.getSignatureAlgorithm())) {
            LOG.info("certificate signature algorithm %s: signature algorithm not supported",
                    cert.getSignatureAlgorithm());
            return false;
        }
        return true;
    }

    /** sshkey_in_file() over each TrustedUserCAKeys file: the first file listing the CA key. */
    private static Optional<Path> listing(Account user, PublicKey ca, List<TrustedCaFile> files) {
        for (TrustedCaFile file : files) {
            Optional<String> absent = whyNotListed(user, ca, file);
            if (absent.isEmpty()) {
                return Optional.of(file.path());
            }
            LOG.debug2("CA %s %s is not listed in %s: %s", Keys.shortType(ca), Keys.fingerprint(ca), file.path(),
                    absent.get());
        }
        return Optional.empty();
    }

    /**
     * Empty when {@code file} lists {@code ca}, else sshd's reason. Like sshd, the search ends at
     * the first line that is no plain key: this file takes no options. It is the administrator's,
     * so it is read without StrictModes, as sshd reads it.
     */
    private static Optional<String> whyNotListed(Account user, PublicKey ca, TrustedCaFile file) {
        List<String> lines;
        if (file.usersOwn()) {
            Optional<List<String>> read = UserFile.readLines(user, file.path(), UserFile.Kind.TRUSTED_USER_CA_KEYS,
                    file.strictModes());
            if (read.isEmpty()) {
                return Optional.of("not readable as the user");
            }
            lines = read.get();
        } else {
            try {
                lines = Files.readAllLines(file.path(), StandardCharsets.ISO_8859_1);
            } catch (NoSuchFileException e) {
                return Optional.of(Errno.describe(Errno.ENOENT));
            } catch (IOException e) {
                return Optional.of(String.valueOf(e.getMessage()));
            }
        }
        for (String line : lines) {
            String entry = line.replaceFirst("^[ \t]+", "");
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            Optional<PublicKey> key = AuthorizedKeysLine.readKey(entry);
            if (key.isEmpty()) {
                return Optional.of("invalid format");
            }
            if (KeyUtils.compareKeys(key.get(), ca)) {
                return Optional.empty();
            }
        }
        return Optional.of("key not found");
    }

    /** auth_process_principals(): the options of the first line naming one of the certificate's principals. */
    private static Optional<KeyOptions> principalsEntry(OpenSshCertificate cert, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            Optional<KeyOptions> options = principalsLine(cert, PRINCIPALS_FILE + ":" + (i + 1), lines.get(i));
            if (options.isPresent()) {
                return options;
            }
        }
        return Optional.empty();
    }

    /**
     * auth_check_principals_line(): "[options] principal", '#' starting a comment anywhere. As in
     * sshd, the principal is what follows the last space (the last tab when there is no space).
     */
    private static Optional<KeyOptions> principalsLine(OpenSshCertificate cert, String loc, String line) {
        int hash = line.indexOf('#');
        String s = (hash < 0 ? line : line.substring(0, hash)).replaceFirst("^[ \t]+", "").replaceFirst("[ \t\n]+$", "");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        int blank = s.lastIndexOf(' ') >= 0 ? s.lastIndexOf(' ') : s.lastIndexOf('\t');
        String principal = blank < 0 ? s : s.substring(blank).replaceFirst("^[ \t]+", "");
        KeyOptions options;
        try {
            options = KeyOptions.parse(blank < 0 ? "" : s);
        } catch (IllegalArgumentException e) {
            LOG.debug1("%s: bad principals options: %s", loc, e.getMessage());
            return Optional.empty();
        }
        if (!cert.getPrincipals().contains(principal)) {
            return Optional.empty();
        }
        LOG.debug3("%s: matched principal \"%.100s\"", loc, principal);
        return Optional.of(options);
    }

    /** match_principals_option(): match_list() of each certificate principal against principals="...". */
    private static boolean listsAPrincipal(String allowedList, OpenSshCertificate cert) {
        List<String> allowed = List.of(allowedList.split(",", -1));
        for (String principal : cert.getPrincipals()) {
            // match_list() splits the certificate's side on commas as well.
            for (String name : principal.split(",", -1)) {
                if (allowed.contains(name)) {
                    LOG.debug3("matched principal from key options \"%.100s\"", name);
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * sshkey_cert_check_authority_now() for a user certificate. {@code name} is empty when the
     * principals were matched against a list already; a certificate without principals is then
     * valid for anyone unless {@code requirePrincipal}.
     */
    private static void checkAuthority(OpenSshCertificate cert, boolean requirePrincipal, Optional<String> name)
            throws Refusal {
        if (cert.getType() != OpenSshCertificate.Type.USER) {
            throw new Refusal("Certificate invalid: not a user certificate");
        }
        // Both bounds are unsigned on the wire; "forever" is all ones, which a long holds as -1.
        long now = Instant.now().getEpochSecond();
        if (Long.compareUnsigned(now, cert.getValidAfter()) < 0) {
            throw new Refusal("Certificate invalid: not yet valid");
        }
        if (Long.compareUnsigned(now, cert.getValidBefore()) >= 0) {
            throw new Refusal("Certificate invalid: expired");
        }
        if (cert.getPrincipals().isEmpty()) {
            if (requirePrincipal) {
                throw new Refusal("Certificate lacks principal list");
            }
        } else if (name.isPresent() && !cert.getPrincipals().contains(name.get())) {
            throw new Refusal("Certificate invalid: name is not a listed principal");
        }
    }

    /** sshauthopt_from_cert(), then auth_authorise_keyopts() on what it read. */
    private static CertificateOptions admittedOptions(OpenSshCertificate cert, Account user, Client client,
                                                      String loc) throws Refusal {
        CertificateOptions options = CertificateOptions.of(cert)
                .orElseThrow(() -> new Refusal("Invalid certificate options"));
        if (!options.admit(user, client, loc)) {
            throw new Refusal("Refused by certificate options");
        }
        return options;
    }

    /** sshauthopt_merge(): a command= on the entry and the certificate's force-command must agree. */
    private static Optional<String> forceCommand(KeyOptions entry, CertificateOptions cert) throws Refusal {
        if (entry.command().isPresent() && cert.forceCommand().isPresent()
                && !entry.command().equals(cert.forceCommand())) {
            throw new Refusal("forced command options do not match");
        }
        return entry.command().or(cert::forceCommand);
    }
}
