// The configuration the monitor needs to decide authentication on one connection.
package dev.sftpd.monitor;

import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.AccessRules;
import dev.sftpd.monitor.auth.PermitRoot;
import dev.sftpd.monitor.auth.TrustedCaFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * @param authorizedKeysFiles the user's AuthorizedKeysFile paths, tokens expanded
 * @param authorizedPrincipalsFile the user's AuthorizedPrincipalsFile, tokens expanded, if configured
 * @param authenticationMethods AuthenticationMethods lists; empty means "any"
 * @param loginGraceTime zero for none
 */
public record AuthSettings(boolean pubkeyAuthentication, boolean passwordAuthentication,
                           boolean kbdInteractiveAuthentication, boolean usePam, boolean permitEmptyPasswords,
                           PermitRoot permitRootLogin, AccessRules accessRules,
                           List<List<String>> authenticationMethods, int maxAuthTries, Duration loginGraceTime,
                           boolean strictModes, Function<Account, List<Path>> authorizedKeysFiles,
                           Function<Account, List<TrustedCaFile>> trustedUserCaKeys,
                           Function<Account, Optional<Path>> authorizedPrincipalsFile) {
    /** The PAM service name, as packaging/pam.d/sftpd installs it. */
    public static final String PAM_SERVICE = "sftpd";
}
