// One TrustedUserCAKeys file as a login sees it: its tokens expanded, and whose it is to write.
package dev.sftpd.monitor.auth;

import java.nio.file.Path;

/**
 * @param path the file, %-tokens expanded for the user logging in
 * @param usersOwn whether the user chooses what it holds (its path names the home directory with
 *     %h): it is then opened as {@link UserFile} opens authorized_keys, with the user's access,
 *     only a small regular file, under StrictModes; otherwise it is the administrator's and root
 *     reads it
 * @param strictModes StrictModes, for a file of the user's own
 */
public record TrustedCaFile(Path path, boolean usersOwn, boolean strictModes) {
    /** A file only the administrator writes, such as /etc/ssh/user_ca.pub. */
    public static TrustedCaFile administrators(Path path) {
        return new TrustedCaFile(path, false, false);
    }
}
