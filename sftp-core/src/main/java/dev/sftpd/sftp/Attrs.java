// SFTP v3 file attributes: the flags say which fields are present, as on the wire.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Stat;

record Attrs(int flags, long size, int uid, int gid, int perm, int atime, int mtime) {
    static final Attrs EMPTY = new Attrs(0, 0, 0, 0, 0, 0, 0);

    /** stat_to_attrib(): size, ids, permissions (with the file type bits) and times. */
    static Attrs of(Stat st) {
        return new Attrs(Sftp.ATTR_SIZE | Sftp.ATTR_UIDGID | Sftp.ATTR_PERMISSIONS | Sftp.ATTR_ACMODTIME,
                st.size(), st.uid(), st.gid(), st.mode(), (int) st.atime(), (int) st.mtime());
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Extended attribute pairs are read and dropped, as OpenSSH does. */
    static Attrs decode(Decoder in) throws MalformedPacketException {
        int flags = in.u32();
        long size = 0;
        int uid = 0, gid = 0, perm = 0, atime = 0, mtime = 0;
        if ((flags & Sftp.ATTR_SIZE) != 0) {
            size = in.u64();
        }
        if ((flags & Sftp.ATTR_UIDGID) != 0) {
            uid = in.u32();
            gid = in.u32();
        }
        if ((flags & Sftp.ATTR_PERMISSIONS) != 0) {
            perm = in.u32();
        }
        if ((flags & Sftp.ATTR_ACMODTIME) != 0) {
            atime = in.u32();
            mtime = in.u32();
        }
        if ((flags & Sftp.ATTR_EXTENDED) != 0) {
            int count = in.u32();
            for (int i = 0; i < count; i++) {
                in.slice();
                in.slice();
            }
        }
        return new Attrs(flags, size, uid, gid, perm, atime, mtime);
    }

    /** Never sends extended pairs: we have none to report. */
    void encode(Encoder out) {
        int sent = flags & ~Sftp.ATTR_EXTENDED;
        out.u32(sent);
        if (has(Sftp.ATTR_SIZE)) {
            out.u64(size);
        }
        if (has(Sftp.ATTR_UIDGID)) {
            out.u32(uid).u32(gid);
        }
        if (has(Sftp.ATTR_PERMISSIONS)) {
            out.u32(perm);
        }
        if (has(Sftp.ATTR_ACMODTIME)) {
            out.u32(atime).u32(mtime);
        }
    }
}
