package dev.sftpd.sftp.it;

import java.util.ArrayList;
import java.util.List;

/** SFTP v3 ATTRS: only the fields named by flags are on the wire. */
record Attrs(long flags, long size, long uid, long gid, long perms, long atime, long mtime, List<String> extended) {
    static final long SIZE = 0x1;
    static final long UIDGID = 0x2;
    static final long PERMISSIONS = 0x4;
    static final long ACMODTIME = 0x8;
    static final long EXTENDED = 0x80000000L;

    static final Attrs NONE = new Attrs(0, 0, 0, 0, 0, 0, 0, List.of());

    Attrs size(long s) {
        return new Attrs(flags | SIZE, s, uid, gid, perms, atime, mtime, extended);
    }

    Attrs ids(long u, long g) {
        return new Attrs(flags | UIDGID, size, u, g, perms, atime, mtime, extended);
    }

    Attrs perms(long p) {
        return new Attrs(flags | PERMISSIONS, size, uid, gid, p, atime, mtime, extended);
    }

    Attrs times(long a, long m) {
        return new Attrs(flags | ACMODTIME, size, uid, gid, perms, a, m, extended);
    }

    void encode(Wire.Out out) {
        out.u32(flags);
        if ((flags & SIZE) != 0) {
            out.u64(size);
        }
        if ((flags & UIDGID) != 0) {
            out.u32(uid).u32(gid);
        }
        if ((flags & PERMISSIONS) != 0) {
            out.u32(perms);
        }
        if ((flags & ACMODTIME) != 0) {
            out.u32(atime).u32(mtime);
        }
        if ((flags & EXTENDED) != 0) {
            out.u32(extended.size() / 2);
            extended.forEach(out::string);
        }
    }

    static Attrs decode(Wire.In in) {
        long flags = in.u32();
        long size = (flags & SIZE) != 0 ? in.u64() : 0;
        long uid = 0;
        long gid = 0;
        if ((flags & UIDGID) != 0) {
            uid = in.u32();
            gid = in.u32();
        }
        long perms = (flags & PERMISSIONS) != 0 ? in.u32() : 0;
        long atime = 0;
        long mtime = 0;
        if ((flags & ACMODTIME) != 0) {
            atime = in.u32();
            mtime = in.u32();
        }
        List<String> ext = new ArrayList<>();
        if ((flags & EXTENDED) != 0) {
            for (long i = in.u32(); i > 0; i--) {
                ext.add(in.text());
                ext.add(in.text());
            }
        }
        return new Attrs(flags, size, uid, gid, perms, atime, mtime, List.copyOf(ext));
    }

    String render(View view) {
        StringBuilder s = new StringBuilder("flags=0x").append(Long.toHexString(flags));
        if ((flags & SIZE) != 0) {
            s.append(" size=").append(size);
        }
        if ((flags & UIDGID) != 0) {
            s.append(" uid=").append(uid).append(" gid=").append(gid);
        }
        if ((flags & PERMISSIONS) != 0) {
            s.append(" perms=0").append(Long.toOctalString(perms));
        }
        if ((flags & ACMODTIME) != 0) {
            s.append(" atime=").append(view.time(atime)).append(" mtime=").append(view.time(mtime));
        }
        if ((flags & EXTENDED) != 0) {
            s.append(" ext=").append(extended);
        }
        return s.toString();
    }
}
