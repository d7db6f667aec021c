// The request table: OpenSSH's request names, order, packet types, extension versions and write flags.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RequestTableTest {
    @Test
    void namesAreOpenSshsInItsOrder() {
        assertEquals(List.of("open", "close", "read", "write", "lstat", "fstat", "setstat", "fsetstat", "opendir",
                        "readdir", "remove", "mkdir", "rmdir", "realpath", "stat", "rename", "readlink", "symlink",
                        "posix-rename", "statvfs", "fstatvfs", "hardlink", "fsync", "lsetstat", "limits",
                        "expand-path", "copy-data", "home-directory", "users-groups-by-id"),
                RequestTable.HANDLERS.stream().map(Handler::name).collect(Collectors.toList()));
    }

    @Test
    void plainRequestsHaveTheirDraftPacketTypes() {
        for (int type = Sftp.FXP_OPEN; type <= Sftp.FXP_SYMLINK; type++) {
            assertTrue(RequestTable.byType(type).isPresent(), "type " + type);
        }
        assertEquals("symlink", RequestTable.byType(20).orElseThrow().name());
        assertTrue(RequestTable.byType(Sftp.FXP_INIT).isEmpty());
        assertTrue(RequestTable.byType(150).isEmpty());
    }

    @Test
    void writingRequestsAreExactlyOpenSshsDoesWriteSet() {
        assertEquals(List.of("write", "setstat", "fsetstat", "remove", "mkdir", "rmdir", "rename", "symlink",
                        "posix-rename", "hardlink", "fsync", "lsetstat", "copy-data"),
                RequestTable.HANDLERS.stream().filter(Handler::doesWrite).map(Handler::name)
                        .collect(Collectors.toList()));
    }

    @Test
    void extensionsAreAdvertisedWithOpenSshsVersions() {
        assertEquals("2", RequestTable.byExtension("statvfs@openssh.com").orElseThrow().extensionVersion());
        assertEquals("2", RequestTable.byExtension("fstatvfs@openssh.com").orElseThrow().extensionVersion());
        assertEquals("1", RequestTable.byExtension("copy-data").orElseThrow().extensionVersion());
        assertTrue(RequestTable.byExtension("nosuch@example.com").isEmpty());
    }
}
