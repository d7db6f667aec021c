// The effective Config: per-user authorized_keys paths, defaulted host keys, the -T dump that reads back as itself, and HELLO's settings.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.parse;
import static dev.sftpd.server.config.ConfigFile.reparse;
import static dev.sftpd.server.config.ConfigFile.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.privsep.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultAuthorizedKeysFilesAreUnderTheHomeDirectory() throws Exception {
        assertEquals(List.of(Path.of("/home/alice/.ssh/authorized_keys"), Path.of("/home/alice/.ssh/authorized_keys2")),
                parse(dir).authorizedKeysFiles("alice", 1001, Path.of("/home/alice")));
    }

    @Test
    void authorizedKeysFileTokensExpandPerUser() throws Exception {
        Config c = parse(dir, "AuthorizedKeysFile /etc/keys/%u %h/keys/%U %%u/x");
        assertEquals(List.of(Path.of("/etc/keys/bob"), Path.of("/home/bob/keys/1002"), Path.of("/home/bob/%u/x")),
                c.authorizedKeysFiles("bob", 1002, Path.of("/home/bob")));
    }

    @Test
    void hostKeysAreDefaultedWhenOmittedOrSpelledOutAsTheDefaults() throws Exception {
        assertTrue(parse(dir).hostKeysDefaulted());
        assertTrue(parse(dir, "HostKey /etc/sftpd/ssh_host_ed25519_key", "HostKey /etc/sftpd/ssh_host_rsa_key")
                .hostKeysDefaulted());
        assertFalse(parse(dir, "HostKey /etc/sftpd/ssh_host_ed25519_key").hostKeysDefaulted());
    }

    /**
     * HELLO's settings: the methods offered in sshd's order, keyboard-interactive only through
     * PAM, ":pam" dropped from AuthenticationMethods, and the other fields as configured.
     */
    @Test
    void transportSettingsAreWhatTheTransportIsTold() throws Exception {
        TransportSettings s = parse(dir, "LogLevel VERBOSE", "Ciphers aes128-gcm@openssh.com,aes256-ctr",
                "PasswordAuthentication yes", "UsePAM yes", "KbdInteractiveAuthentication yes",
                "AuthenticationMethods publickey,keyboard-interactive:pam password", "RekeyLimit 1G 1h",
                "MaxAuthTries 3", "MaxSessions 2", "LoginGraceTime 30", "ClientAliveInterval 15",
                "ClientAliveCountMax 4", "VersionAddendum hello").transportSettings();
        assertEquals(new TransportSettings(LogLevel.VERBOSE, List.of("aes128-gcm@openssh.com", "aes256-ctr"),
                s.macs(), s.kexAlgorithms(), s.hostKeyAlgorithms(), 1L << 30, Optional.of(Duration.ofHours(1)),
                List.of("publickey", "password", "keyboard-interactive"),
                List.of(List.of("publickey", "keyboard-interactive"), List.of("password")), 3, 2,
                Duration.ofSeconds(30), Duration.ofSeconds(15), 4, Optional.of("hello")), s);
        TransportSettings noPam = parse(dir, "UsePAM no").transportSettings();
        assertEquals(List.of("publickey", "password"), noPam.methods(), "no PAM: no keyboard-interactive");
        assertEquals(Optional.empty(), noPam.rekeyTime());
        assertEquals(Optional.empty(), noPam.versionAddendum());
    }

    @Test
    void theDumpPrintsOneLowerCaseKeywordAndValuePerLine() throws Exception {
        List<String> lines = parse(dir, "Port 2222", "ListenAddress 127.0.0.1", "ListenAddress [::1]:22",
                "Subsystem sftp internal-sftp -R").dump().lines().toList();
        assertEquals(List.of("port 2222", "listenaddress 127.0.0.1:2222", "listenaddress [::1]:22",
                "hostkey /etc/sftpd/ssh_host_ed25519_key", "hostkey /etc/sftpd/ssh_host_rsa_key",
                "pidfile /run/sftpd.pid", "authorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2",
                "pubkeyauthentication yes", "strictmodes yes", "loglevel INFO", "syslogfacility AUTH"),
                lines.subList(0, 11));
        assertEquals("ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
                + "aes128-gcm@openssh.com,aes256-gcm@openssh.com", lines.get(11));
        assertTrue(lines.get(12).startsWith("macs hmac-sha2-256-etm@openssh.com,"));
        assertTrue(lines.get(13).startsWith("kexalgorithms "));
        assertTrue(lines.get(14).startsWith("hostkeyalgorithms "));
        assertEquals(List.of("rekeylimit 0 0", "subsystem sftp internal-sftp -R", "forcecommand none",
                "usepam yes", "passwordauthentication yes", "kbdinteractiveauthentication yes",
                "permitemptypasswords no", "permitrootlogin without-password", "authenticationmethods any",
                "maxauthtries 6", "maxsessions 10", "logingracetime 120", "trustedusercakeys none",
                "authorizedprincipalsfile none",
                "maxstartups 10:30:100", "persourcemaxstartups none", "persourcenetblocksize 32:128",
                "persourcepenalties crash:90 authfail:5 noauth:1 grace-exceeded:10 max:600 min:15 max-sources4:65536 "
                        + "max-sources6:65536 overflow:permissive overflow6:permissive",
                "persourcepenaltyexemptlist none", "metricslistenaddress none",
                "transportpoolsize 2:10", "enginepoolsize 1:10", "chrootdirectory none", "clientaliveinterval 0",
                "clientalivecountmax 3", "tcpkeepalive yes", "usedns no", "versionaddendum none", "banner none",
                "controlsocket /run/sftpd/control", "auditlog none", "allowtcpforwarding no",
                "disableforwarding no", "permitopen any", "proxyprotocol none",
                "x11forwarding no", "x11displayoffset 10",
                "x11uselocalhost yes", "xauthlocation /usr/bin/xauth", "printmotd yes", "printlastlog yes",
                "permittty yes", "permituserrc yes", "permituserenvironment no", "debianbanner yes"),
                lines.subList(15, lines.size()));
    }

    @Test
    void theDefaultDumpReadsBackAsTheDefaults() throws Exception {
        Config defaults = parse(dir);
        assertEquals(defaults, reparse(dir, defaults));
    }

    @Test
    void aDumpReadsBackAsTheSameConfig() throws Exception {
        Config c = parse(dir, "Port 2222", "Port 2223", "ListenAddress 127.0.0.1", "ListenAddress [::1]:2200",
                "HostKey \"/etc/my keys/ed25519\"", "PidFile none", "AuthorizedKeysFile \"/keys/%u keys\" none",
                "PubkeyAuthentication no", "StrictModes no", "LogLevel DEBUG2", "SyslogFacility LOCAL7",
                "Ciphers ^aes256-gcm@openssh.com", "MACs -hmac-sha1*", "KexAlgorithms curve25519-sha256",
                "HostKeyAlgorithms +ssh-dss", "RekeyLimit 1G 1h30m",
                "Subsystem sftp internal-sftp -R -P remove -d \"/srv/%u files\" -u 027",
                "ForceCommand internal-sftp -p read,open,close,opendir,readdir,stat,lstat,fstat,realpath",
                "UsePAM no", "PasswordAuthentication no", "ChallengeResponseAuthentication yes",
                "PermitEmptyPasswords yes", "PermitRootLogin forced-commands-only",
                "AuthenticationMethods keyboard-interactive:pam password,keyboard-interactive", "MaxAuthTries 3",
                "LoginGraceTime 1h30m", "AllowUsers alice \"bob@10.0.0.0/8,!10.1.0.0/16\"", "AllowUsers carol",
                "DenyUsers mallory@*", "AllowGroups sftp \"domain users\"", "DenyGroups nosftp",
                "TrustedUserCAKeys \"/etc/sftpd/user ca.pub\"", "AuthorizedPrincipalsFile /etc/principals/%u",
                "MaxStartups 20:50:80", "PerSourceMaxStartups 4", "PerSourceNetBlockSize 24:64",
                "TransportPoolSize 8", "EnginePoolSize 0", "AuditLog \"/var/log/sftpd/audit log.json\"");
        assertEquals(c, reparse(dir, c));
    }

    @Test
    void aDumpOfCommandLineValuesReadsBackTheSame() throws Exception {
        Config c = ConfigParser.parse(write(dir, "Port 22"), List.of("LogLevel QUIET", "PidFile /tmp/a.pid"),
                List.of(2022), List.of(Path.of("/etc/sftpd/other_key")));
        assertEquals(c, reparse(dir, c));
    }
}
