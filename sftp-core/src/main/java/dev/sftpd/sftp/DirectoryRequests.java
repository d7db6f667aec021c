// opendir and readdir: directory listings in batches of up to 100 entries with "ls -l" long names.
package dev.sftpd.sftp;

import static dev.sftpd.sftp.SftpSession.log;
import static dev.sftpd.sftp.SftpSession.show;

import dev.sftpd.sftp.HandleTable.DirHandle;
import dev.sftpd.sftp.SftpSession.NameEntry;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

final class DirectoryRequests {
    private static final int BATCH = 100;

    private DirectoryRequests() {}

    static void opendir(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] path = in.cstring();
        log.info("opendir \"%s\"", show(path));
        s.handle(id, new DirHandle(s.posix.opendir(path), path));
    }

    /** Entries that vanish between readdir and lstat are skipped, as sftp-server does. */
    static void readdir(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        HandleTable.Handle h = s.handles.lookup(in.string());
        if (!(h instanceof DirHandle d)) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.debug1("request %s: readdir \"%s\"", Integer.toUnsignedString(id), show(d.name()));
        long now = System.currentTimeMillis() / 1000;
        ZoneId zone = ZoneId.systemDefault();
        List<NameEntry> batch = new ArrayList<>();
        byte[] name;
        while (batch.size() < BATCH && (name = d.dir().next()) != null) {
            Stat st;
            try {
                st = s.posix.lstat(Paths.join(d.name(), name));
            } catch (SysCallException e) {
                continue;
            }
            String owner = s.accounts.userName(st.uid()).orElse(Integer.toUnsignedString(st.uid()));
            String group = s.accounts.groupName(st.gid()).orElse(Integer.toUnsignedString(st.gid()));
            batch.add(new NameEntry(name, LongName.format(name, st, owner, group, now, zone), Attrs.of(st)));
        }
        if (batch.isEmpty()) {
            s.status(id, Status.EOF);
        } else {
            s.names(id, batch);
        }
    }
}
