// Requests about accounts: home-directory and users-groups-by-id@openssh.com.
package dev.sftpd.sftp;

import static dev.sftpd.sftp.SftpSession.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

final class AccountRequests {
    private AccountRequests() {}

    static void homeDirectory(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        String name = new String(in.cstring(), StandardCharsets.ISO_8859_1);
        log.debug3("request %s: home-directory \"%s\"", Integer.toUnsignedString(id), name);
        Optional<Accounts.User> user = s.accounts.user(name);
        if (user.isEmpty()) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.verbose("home-directory \"%s\"", SftpSession.show(user.get().home()));
        s.name(id, user.get().home());
    }

    /** Names for lists of uids and gids; an unknown id gets an empty name. */
    static void usersGroupsById(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        Decoder uids = in.stringDecoder();
        Decoder gids = in.stringDecoder();
        Encoder users = new Encoder(0, 64);
        Encoder groups = new Encoder(0, 64);
        int nusers = 0, ngroups = 0;
        while (uids.remaining() > 0) {
            int uid = uids.u32();
            users.string(s.accounts.userName(uid).orElse(""));
            nusers++;
        }
        while (gids.remaining() > 0) {
            int gid = gids.u32();
            groups.string(s.accounts.groupName(gid).orElse(""));
            ngroups++;
        }
        log.verbose("users-groups-by-id: %d users, %d groups", nusers, ngroups);
        s.send(s.extendedReply(id, users.length() + groups.length() + 16)
                .string(users.array(), 5, users.length() - 5)
                .string(groups.array(), 5, groups.length() - 5));
    }
}
