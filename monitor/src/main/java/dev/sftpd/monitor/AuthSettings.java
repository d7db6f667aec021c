// The configuration the monitor needs to decide authentication on one connection.
package dev.sftpd.monitor;

import dev.sftpd.monitor.auth.Account;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * @param authorizedKeysFiles the user's AuthorizedKeysFile paths, tokens expanded
 */
public record AuthSettings(boolean pubkeyAuthentication, boolean strictModes,
                           Function<Account, List<Path>> authorizedKeysFiles) {}
