// Requests naming a path: stat, lstat, setstat, lsetstat, remove, mkdir, rmdir, realpath, rename,
// posix-rename, readlink, symlink, hardlink, statvfs and expand-path.
package dev.sftpd.sftp;

import static dev.sftpd.sftp.SftpSession.log;
import static dev.sftpd.sftp.SftpSession.show;

import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.StatVfs;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.util.Optional;

final class PathRequests {
    private PathRequests() {}

    static void stat(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] name = in.cstring();
        log.verbose("stat name \"%s\"", show(name));
        s.attrs(id, Attrs.of(s.posix.stat(name)));
    }

    static void lstat(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] name = in.cstring();
        log.verbose("lstat name \"%s\"", show(name));
        s.attrs(id, Attrs.of(s.posix.lstat(name)));
    }

    static void setstat(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        byte[] name = in.cstring();
        Attrs a = Attrs.decode(in);
        log.debug1("request %s: setstat name \"%s\"", Integer.toUnsignedString(id), show(name));
        Posix p = s.posix;
        s.status(id, FileRequests.applyAttrs(name, a,
                size -> p.truncate(name, size),
                mode -> p.chmod(name, mode),
                (atime, mtime) -> p.utimes(name, atime, mtime),
                (uid, gid) -> p.chown(name, uid, gid)));
    }

    /** Like setstat but never follows a final symlink; a size makes no sense there and is refused. */
    static void lsetstat(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        byte[] name = in.cstring();
        Attrs a = Attrs.decode(in);
        log.debug1("request %s: lsetstat name \"%s\"", Integer.toUnsignedString(id), show(name));
        if (a.has(Sftp.ATTR_SIZE)) {
            s.status(id, Status.BAD_MESSAGE);
            return;
        }
        Posix p = s.posix;
        s.status(id, FileRequests.applyAttrs(name, a,
                size -> { },
                mode -> p.lchmod(name, mode),
                (atime, mtime) -> p.lutimes(name, atime, mtime),
                (uid, gid) -> p.lchown(name, uid, gid)));
    }

    static void remove(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] name = in.cstring();
        log.info("remove name \"%s\"", show(name));
        s.posix.unlink(name);
        s.status(id, Status.OK);
    }

    static void mkdir(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] name = in.cstring();
        Attrs a = Attrs.decode(in);
        int mode = a.has(Sftp.ATTR_PERMISSIONS) ? a.perm() & 07777 : 0777;
        log.info("mkdir name \"%s\" mode 0%o", show(name), mode);
        s.posix.mkdir(name, mode);
        s.status(id, Status.OK);
    }

    static void rmdir(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] name = in.cstring();
        log.info("rmdir name \"%s\"", show(name));
        s.posix.rmdir(name);
        s.status(id, Status.OK);
    }

    static void realpath(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] path = in.cstring();
        if (path.length == 0) {
            path = new byte[] {'.'};
        }
        log.verbose("realpath \"%s\"", show(path));
        s.name(id, RealPath.resolve(s.posix, path));
    }

    /**
     * SFTP v3 rename must not replace an existing file. For regular files that is done
     * race-free with link() then unlink(); where the file system cannot link, it falls back
     * to a checked rename(), as sftp-server does.
     */
    static void rename(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        byte[] from = in.cstring();
        byte[] to = in.cstring();
        log.info("rename old \"%s\" new \"%s\"", show(from), show(to));
        Posix p = s.posix;
        Status status;
        try {
            if (p.lstat(from).isRegular()) {
                status = linkThenUnlink(p, from, to);
            } else {
                status = renameIfAbsent(p, from, to);
            }
        } catch (SysCallException e) {
            status = Status.fromErrno(e.errno());
        }
        s.status(id, status);
    }

    private static Status linkThenUnlink(Posix p, byte[] from, byte[] to) {
        try {
            p.link(from, to);
        } catch (SysCallException e) {
            return switch (e.errno()) {
                case Errno.EOPNOTSUPP, Errno.ENOSYS, Errno.EXDEV, Errno.EPERM -> renameIfAbsent(p, from, to);
                default -> Status.fromErrno(e.errno());
            };
        }
        try {
            p.unlink(from);
            return Status.OK;
        } catch (SysCallException e) {
            try {
                p.unlink(to);
            } catch (SysCallException ignored) {
                // The new name stays; the client is told the rename failed, as sftp-server does.
            }
            return Status.fromErrno(e.errno());
        }
    }

    private static Status renameIfAbsent(Posix p, byte[] from, byte[] to) {
        try {
            p.stat(to);
            return Status.FAILURE;
        } catch (SysCallException absent) {
            try {
                p.rename(from, to);
                return Status.OK;
            } catch (SysCallException e) {
                return Status.fromErrno(e.errno());
            }
        }
    }

    static void posixRename(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] from = in.cstring();
        byte[] to = in.cstring();
        log.info("posix-rename old \"%s\" new \"%s\"", show(from), show(to));
        s.posix.rename(from, to);
        s.status(id, Status.OK);
    }

    static void readlink(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] path = in.cstring();
        log.verbose("readlink \"%s\"", show(path));
        s.name(id, s.posix.readlink(path));
    }

    /** OpenSSH's argument order: the link's target first, then the link to create. */
    /** OpenSSH's order, target first (its sftp-server has always swapped the draft's); a quirk turns it back. */
    static void symlink(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] first = in.cstring();
        byte[] second = in.cstring();
        boolean draftOrder = s.has(ClientQuirks.Quirk.SYMLINK_DRAFT_ORDER);
        byte[] target = draftOrder ? second : first;
        byte[] link = draftOrder ? first : second;
        log.info("symlink old \"%s\" new \"%s\"", show(target), show(link));
        s.posix.symlink(target, link);
        s.status(id, Status.OK);
    }

    static void hardlink(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] from = in.cstring();
        byte[] to = in.cstring();
        log.info("hardlink old \"%s\" new \"%s\"", show(from), show(to));
        s.posix.link(from, to);
        s.status(id, Status.OK);
    }

    static void statvfs(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] path = in.cstring();
        log.info("statvfs \"%s\"", show(path));
        sendStatvfs(s, id, s.posix.statvfs(path));
    }

    static void sendStatvfs(SftpSession s, int id, StatVfs st) throws IOException {
        long flag = ((st.flag() & StatVfs.ST_RDONLY) != 0 ? Sftp.EXT_STATVFS_RDONLY : 0)
                | ((st.flag() & StatVfs.ST_NOSUID) != 0 ? Sftp.EXT_STATVFS_NOSUID : 0);
        s.send(s.extendedReply(id, 104)
                .u64(st.bsize()).u64(st.frsize()).u64(st.blocks()).u64(st.bfree()).u64(st.bavail())
                .u64(st.files()).u64(st.ffree()).u64(st.favail()).u64(st.fsid()).u64(flag)
                .u64(st.namemax()));
    }

    /**
     * expand-path@openssh.com: "~" and "~/x" are relative to the current directory (the
     * session starts in the home directory), "~user/x" to that user's home; the result is
     * canonicalised like REALPATH.
     */
    static void expandPath(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        byte[] path = in.cstring();
        byte[] cwd = s.posix.getcwd();
        log.debug3("request %s: expand, original \"%s\"", Integer.toUnsignedString(id), show(path));
        if (path.length == 0) {
            path = new byte[] {'.'};
        } else if (path[0] == '~') {
            if (path.length == 1) {
                path = cwd;
            } else if (path[1] == '/') {
                path = Paths.join(cwd, java.util.Arrays.copyOfRange(path, 2, path.length));
            } else {
                Optional<byte[]> expanded = Tilde.expand(path, s.user, s.accounts);
                if (expanded.isEmpty()) {
                    s.status(id, Status.NO_SUCH_FILE, "no such user");
                    return;
                }
                path = expanded.get();
            }
        } else if (path[0] != '/') {
            path = Paths.join(cwd, path);
        }
        log.verbose("expand \"%s\"", show(path));
        s.name(id, RealPath.resolve(s.posix, path));
    }
}
