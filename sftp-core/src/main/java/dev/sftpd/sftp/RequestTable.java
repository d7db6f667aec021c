// Every request the server answers, in OpenSSH's order: read-only mode, -p/-P, -Q, the VERSION advertisement
// and the audit trail all read this one list.
package dev.sftpd.sftp;

import static dev.sftpd.sftp.Audited.CLOSE;
import static dev.sftpd.sftp.Audited.COPY;
import static dev.sftpd.sftp.Audited.HANDLE;
import static dev.sftpd.sftp.Audited.OPEN;
import static dev.sftpd.sftp.Audited.PATH;
import static dev.sftpd.sftp.Audited.TWO_PATHS;
import static dev.sftpd.sftp.Handler.extension;
import static dev.sftpd.sftp.Handler.request;

import java.util.List;
import java.util.Optional;

final class RequestTable {
    static final List<Handler> HANDLERS = List.of(
            request("open", Sftp.FXP_OPEN, FileRequests::open, false).audited(OPEN),
            request("close", Sftp.FXP_CLOSE, FileRequests::close, false).audited(CLOSE),
            request("read", Sftp.FXP_READ, FileRequests::read, false),
            request("write", Sftp.FXP_WRITE, FileRequests::write, true),
            request("lstat", Sftp.FXP_LSTAT, PathRequests::lstat, false),
            request("fstat", Sftp.FXP_FSTAT, FileRequests::fstat, false),
            request("setstat", Sftp.FXP_SETSTAT, PathRequests::setstat, true).audited(PATH),
            request("fsetstat", Sftp.FXP_FSETSTAT, FileRequests::fsetstat, true).audited(HANDLE),
            request("opendir", Sftp.FXP_OPENDIR, DirectoryRequests::opendir, false).audited(PATH),
            request("readdir", Sftp.FXP_READDIR, DirectoryRequests::readdir, false),
            request("remove", Sftp.FXP_REMOVE, PathRequests::remove, true).audited(PATH),
            request("mkdir", Sftp.FXP_MKDIR, PathRequests::mkdir, true).audited(PATH),
            request("rmdir", Sftp.FXP_RMDIR, PathRequests::rmdir, true).audited(PATH),
            request("realpath", Sftp.FXP_REALPATH, PathRequests::realpath, false),
            request("stat", Sftp.FXP_STAT, PathRequests::stat, false),
            request("rename", Sftp.FXP_RENAME, PathRequests::rename, true).audited(TWO_PATHS),
            request("readlink", Sftp.FXP_READLINK, PathRequests::readlink, false),
            request("symlink", Sftp.FXP_SYMLINK, PathRequests::symlink, true).audited(TWO_PATHS),
            extension("posix-rename", "posix-rename@openssh.com", "1", PathRequests::posixRename, true)
                    .audited(TWO_PATHS),
            extension("statvfs", "statvfs@openssh.com", "2", PathRequests::statvfs, false),
            extension("fstatvfs", "fstatvfs@openssh.com", "2", FileRequests::fstatvfs, false),
            extension("hardlink", "hardlink@openssh.com", "1", PathRequests::hardlink, true).audited(TWO_PATHS),
            extension("fsync", "fsync@openssh.com", "1", FileRequests::fsync, true),
            extension("lsetstat", "lsetstat@openssh.com", "1", PathRequests::lsetstat, true).audited(PATH),
            extension("limits", "limits@openssh.com", "1", FileRequests::limits, false),
            extension("expand-path", "expand-path@openssh.com", "1", PathRequests::expandPath, false),
            extension("copy-data", "copy-data", "1", FileRequests::copyData, true).audited(COPY),
            extension("home-directory", "home-directory", "1", AccountRequests::homeDirectory, false),
            extension("users-groups-by-id", "users-groups-by-id@openssh.com", "1",
                    AccountRequests::usersGroupsById, false));

    private static final Handler[] BY_TYPE = new Handler[256];

    static {
        for (Handler h : HANDLERS) {
            if (!h.isExtension()) {
                BY_TYPE[h.type()] = h;
            }
        }
    }

    private RequestTable() {}

    static Optional<Handler> byType(int type) {
        return Optional.ofNullable(BY_TYPE[type & 0xff]);
    }

    static Optional<Handler> byExtension(String extension) {
        return HANDLERS.stream().filter(h -> extension.equals(h.extension())).findFirst();
    }
}
