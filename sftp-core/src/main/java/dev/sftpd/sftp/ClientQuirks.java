// What some SFTP clients do differently, known by their SSH software version: the table of OpenSSH's compat.c, for sftp.
package dev.sftpd.sftp;

import dev.sftpd.log.SshLog;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * sftpd announces itself as what it is ("SSH-2.0-sftpd_VERSION"), not as OpenSSH, so a client
 * that switches its behaviour on OpenSSH's name keeps the behaviour it has for other servers; the
 * engine then serves that behaviour. Rows are OpenSSH pattern lists over the software version
 * (the identification line after "SSH-2.0-"), first match wins, as in compat.c.
 */
public final class ClientQuirks {
    private static final SshLog log = SshLog.get(ClientQuirks.class);

    /** One kind of behaviour the engine adapts to. */
    public enum Quirk {
        /**
         * SSH_FXP_SYMLINK's arguments in the order the draft gives (linkpath, targetpath), not
         * OpenSSH's (targetpath, linkpath): node's ssh2 library unless the server is OpenSSH or dropbear.
         */
        SYMLINK_DRAFT_ORDER
    }

    private record Row(PatternList versions, Set<Quirk> quirks) {}

    private static final List<Row> TABLE = List.of(
            new Row(PatternList.parse("ssh2js*"), EnumSet.of(Quirk.SYMLINK_DRAFT_ORDER)));

    private ClientQuirks() {}

    /** The quirks of the client that sent this identification line ("SSH-2.0-ssh2js1.17.0"); none if unknown. */
    public static Set<Quirk> of(String identification) {
        String software = identification.replaceFirst("^SSH-[0-9.]+-", "").split(" ", 2)[0];
        for (Row row : TABLE) {
            if (row.versions().matches(software)) {
                log.debug1("match: %s pat %s compat %s", software, String.join(",", row.versions().patterns()),
                        row.quirks());
                return Set.copyOf(row.quirks());
            }
        }
        return Set.of();
    }
}
