package dev.sftpd.sftp.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Builders for every SFTP v3 request and OpenSSH extension, independent of the main code so that the
 * comparison does not share a codec with the server under test. Paths are byte strings written as Java
 * strings of ISO-8859-1 chars (see {@link Wire#bytes}), and a leading {@code <ROOT>} stands for the
 * server's own fixture root; handles are names of earlier captures.
 */
final class Requests {
    private Requests() {}

    static final int INIT = 1;
    static final int OPEN = 3;
    static final int CLOSE = 4;
    static final int READ = 5;
    static final int WRITE = 6;
    static final int LSTAT = 7;
    static final int FSTAT = 8;
    static final int SETSTAT = 9;
    static final int FSETSTAT = 10;
    static final int OPENDIR = 11;
    static final int READDIR = 12;
    static final int REMOVE = 13;
    static final int MKDIR = 14;
    static final int RMDIR = 15;
    static final int REALPATH = 16;
    static final int STAT = 17;
    static final int RENAME = 18;
    static final int READLINK = 19;
    static final int SYMLINK = 20;
    static final int EXTENDED = 200;

    static final int FXF_READ = 0x01;
    static final int FXF_WRITE = 0x02;
    static final int FXF_APPEND = 0x04;
    static final int FXF_CREAT = 0x08;
    static final int FXF_TRUNC = 0x10;
    static final int FXF_EXCL = 0x20;

    static Request init() {
        return Request.of("INIT 3", INIT, (o, s) -> o.u32(3)).withoutId();
    }

    static Request open(String path, int pflags) {
        return open(path, pflags, Attrs.NONE);
    }

    static Request open(String path, int pflags, Attrs a) {
        return Request.of("OPEN " + quote(path) + " " + flagNames(pflags) + attrsSummary(a), OPEN,
                (o, s) -> o.string(s.path(path)).u32(pflags).attrs(a));
    }

    static Request close(String handle) {
        return Request.of("CLOSE " + handle, CLOSE, (o, s) -> o.string(s.handle(handle)));
    }

    static Request read(String handle, long offset, long len) {
        return Request.of("READ " + handle + " off=" + offset + " len=" + len, READ,
                (o, s) -> o.string(s.handle(handle)).u64(offset).u32(len));
    }

    static Request write(String handle, long offset, String data) {
        return Request.of("WRITE " + handle + " off=" + offset + " " + quote(data), WRITE,
                (o, s) -> o.string(s.handle(handle)).u64(offset).string(data));
    }

    static Request lstat(String path) {
        return pathRequest("LSTAT", LSTAT, path);
    }

    static Request stat(String path) {
        return pathRequest("STAT", STAT, path);
    }

    static Request fstat(String handle) {
        return Request.of("FSTAT " + handle, FSTAT, (o, s) -> o.string(s.handle(handle)));
    }

    static Request setstat(String path, Attrs a) {
        return Request.of("SETSTAT " + quote(path) + attrsSummary(a), SETSTAT, (o, s) -> o.string(s.path(path)).attrs(a));
    }

    static Request fsetstat(String handle, Attrs a) {
        return Request.of("FSETSTAT " + handle + attrsSummary(a), FSETSTAT,
                (o, s) -> o.string(s.handle(handle)).attrs(a));
    }

    static Request opendir(String path) {
        return pathRequest("OPENDIR", OPENDIR, path);
    }

    static Request readdir(String handle) {
        return Request.of("READDIR " + handle, READDIR, (o, s) -> o.string(s.handle(handle)));
    }

    static Request remove(String path) {
        return pathRequest("REMOVE", REMOVE, path);
    }

    static Request mkdir(String path, Attrs a) {
        return Request.of("MKDIR " + quote(path) + attrsSummary(a), MKDIR, (o, s) -> o.string(s.path(path)).attrs(a));
    }

    static Request rmdir(String path) {
        return pathRequest("RMDIR", RMDIR, path);
    }

    static Request realpath(String path) {
        return pathRequest("REALPATH", REALPATH, path);
    }

    static Request rename(String from, String to) {
        return Request.of("RENAME " + quote(from) + " " + quote(to), RENAME, (o, s) -> o.string(s.path(from)).string(s.path(to)));
    }

    static Request readlink(String path) {
        return pathRequest("READLINK", READLINK, path);
    }

    /** OpenSSH's order, opposite to the draft: the link's target first, then the path of the new link. */
    static Request symlink(String target, String linkPath) {
        return Request.of("SYMLINK target=" + quote(target) + " link=" + quote(linkPath), SYMLINK,
                (o, s) -> o.string(s.path(target)).string(s.path(linkPath)));
    }

    static Request extended(String name, String summary, Request.Body rest) {
        return Request.of("EXTENDED " + name + (summary.isEmpty() ? "" : " " + summary), EXTENDED, (o, s) -> {
            o.string(name);
            rest.write(o, s);
        });
    }

    static Request posixRename(String from, String to) {
        return extended("posix-rename@openssh.com", quote(from) + " " + quote(to), (o, s) -> o.string(s.path(from)).string(s.path(to)));
    }

    static Request statvfs(String path) {
        return extended("statvfs@openssh.com", quote(path), (o, s) -> o.string(s.path(path))).format(ExtendedFormat.STATVFS);
    }

    static Request fstatvfs(String handle) {
        return extended("fstatvfs@openssh.com", handle, (o, s) -> o.string(s.handle(handle)))
                .format(ExtendedFormat.STATVFS);
    }

    static Request hardlink(String existing, String newPath) {
        return extended("hardlink@openssh.com", quote(existing) + " " + quote(newPath),
                (o, s) -> o.string(s.path(existing)).string(s.path(newPath)));
    }

    static Request fsync(String handle) {
        return extended("fsync@openssh.com", handle, (o, s) -> o.string(s.handle(handle)));
    }

    static Request lsetstat(String path, Attrs a) {
        return extended("lsetstat@openssh.com", quote(path) + attrsSummary(a), (o, s) -> o.string(s.path(path)).attrs(a));
    }

    static Request limits() {
        return extended("limits@openssh.com", "", (o, s) -> {}).format(ExtendedFormat.LIMITS);
    }

    static Request expandPath(String path) {
        return extended("expand-path@openssh.com", quote(path), (o, s) -> o.string(s.path(path)));
    }

    static Request copyData(String readHandle, long readOffset, long readLength, String writeHandle, long writeOffset) {
        return extended("copy-data", readHandle + " off=" + readOffset + " len=" + readLength + " -> " + writeHandle
                + " off=" + writeOffset, (o, s) -> o.string(s.handle(readHandle)).u64(readOffset).u64(readLength)
                .string(s.handle(writeHandle)).u64(writeOffset));
    }

    static Request homeDirectory(String user) {
        return extended("home-directory", quote(user), (o, s) -> o.string(user));
    }

    static Request usersGroupsById(long[] uids, long[] gids) {
        return extended("users-groups-by-id@openssh.com", "uids=" + java.util.Arrays.toString(uids) + " gids="
                + java.util.Arrays.toString(gids), (o, s) -> o.string(ids(uids)).string(ids(gids)))
                .format(ExtendedFormat.NAMES);
    }

    /** A packet of any type with an id and arbitrary fields after it, for inputs no builder makes. */
    static Request raw(String summary, int type, Request.Body body) {
        return Request.of(summary, type, body);
    }

    private static byte[] ids(long[] ids) {
        Wire.Out o = new Wire.Out();
        for (long id : ids) {
            o.u32(id);
        }
        return o.bytes();
    }

    private static Request pathRequest(String name, int type, String path) {
        return Request.of(name + " " + quote(path), type, (o, s) -> o.string(s.path(path)));
    }

    /** A path for a step summary; long ones are cut so that a report stays readable. */
    static String quote(String latin1) {
        byte[] b = Wire.bytes(latin1);
        if (b.length <= 80) {
            return '"' + Wire.escape(b) + '"';
        }
        return '"' + Wire.escape(java.util.Arrays.copyOf(b, 40)) + "...\" (" + b.length + " bytes)";
    }

    static String flagNames(int pflags) {
        List<String> names = new ArrayList<>();
        String[] all = {"READ", "WRITE", "APPEND", "CREAT", "TRUNC", "EXCL"};
        for (int i = 0; i < all.length; i++) {
            if ((pflags & (1 << i)) != 0) {
                names.add(all[i]);
            }
        }
        return names.isEmpty() ? "0" : String.join("|", names);
    }

    private static String attrsSummary(Attrs a) {
        return a.flags() == 0 ? "" : " {" + a.render(new View("", "", 0, 0)) + "}";
    }
}
