// OpenSSH's match_list(): a comma-separated list of exact names, as sftp-server's -p and -P take.
package dev.sftpd.sftp;

import java.util.List;

/** No wildcards: "*stat*" names no request, exactly as in OpenSSH's sftp-server. */
public record MatchList(List<String> names) {
    public static MatchList parse(String list) {
        return new MatchList(List.of(list.split(",", -1)));
    }

    public boolean matches(String name) {
        return names.contains(name);
    }
}
