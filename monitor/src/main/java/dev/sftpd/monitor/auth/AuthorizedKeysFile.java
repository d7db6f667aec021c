// sshd's line loop over a user's authorized_keys: hands each entry, with its "file:line", to a check.
package dev.sftpd.monitor.auth;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The file is read as {@link UserFile} reads it: with the user's access, and only a small regular file. */
final class AuthorizedKeysFile {
    /** Judges one entry; {@code loc} is "file:line" for log lines, as sshd words them. */
    interface Entry<T> {
        Optional<T> check(String loc, String line);
    }

    private AuthorizedKeysFile() {}

    /** The first non-empty answer for the file's entries (blank and comment lines skipped), in order. */
    static <T> Optional<T> scan(Path file, Account user, boolean strict, Entry<T> entry) {
        List<String> lines = UserFile.readLines(user, file, UserFile.Kind.AUTHORIZED_KEYS, strict).orElse(List.of());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("^[ \t]+", "");
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Optional<T> answer = entry.check(String.format("%.200s:%d", file, i + 1), line);
            if (answer.isPresent()) {
                return answer;
            }
        }
        return Optional.empty();
    }
}
