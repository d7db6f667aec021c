// Specifies the PAM transaction against the shipped packaging/pam.d/sftpd stack and real accounts: what PAM accepts, refuses and says.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.monitor.auth.Pam.Message;
import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PamTest {
    private static final Path SHIPPED = Path.of(System.getProperty("user.dir")).resolveSibling("packaging/pam.d/sftpd");
    private static final String SECRET = "correct horse ✓ battery";
    private static final String CLIENT = "127.0.0.1";
    private static final int PAM_AUTH_ERR = 7;

    /** A service of our own, so that tests on this machine never change what /etc/pam.d/sftpd says. */
    private static String service;

    /** Records every round and answers prompts with a fixed password; with null, it cannot answer them. */
    private static final class Recorder implements Pam.Conversation {
        final List<List<Message>> rounds = new ArrayList<>();
        private final String password;

        Recorder(String password) {
            this.password = password;
        }

        @Override
        public Optional<List<String>> round(List<Message> messages) {
            rounds.add(messages);
            return Optional.of(messages.stream().map(m -> m.style() <= Message.PROMPT_ECHO_ON ? password : null).toList());
        }

        List<Message> all() {
            return rounds.stream().flatMap(List::stream).toList();
        }
    }

    @BeforeAll
    static void installService() throws Exception {
        if (!Root.isRoot()) {
            return;
        }
        service = "sftpd-test-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        Files.copy(SHIPPED, Path.of("/etc/pam.d", service));
    }

    @AfterAll
    static void removeService() throws Exception {
        if (service != null) {
            Files.deleteIfExists(Path.of("/etc/pam.d", service));
        }
    }

    /** An account whose password is SECRET. */
    private SystemAccounts accounts;
    private SystemUser u;

    @BeforeEach
    void createUser() throws Exception {
        Root.assume("creates users and installs a PAM service");
        accounts = new SystemAccounts();
        u = accounts.newAccount("pam", "/bin/sh");
        u.setPassword(SECRET);
    }

    @AfterEach
    void removeUser() throws Exception {
        if (accounts != null) {
            accounts.close();
        }
    }

    private Pam start(Pam.Conversation conv) throws PamException {
        return Pam.start(service, u.name(), CLIENT, conv);
    }

    @Test
    void theRightPasswordAuthenticatesAndPassesAccountManagement() throws Exception {
        try (LogCapture log = new LogCapture(); Pam pam = start(new Recorder(null))) {
            pam.authenticatePassword(SECRET, false);
            pam.accountManagement();
            assertEquals(u.name(), pam.user());
            assertTrue(log.text().contains("PAM: setting PAM_RHOST to \"127.0.0.1\"\r\n"), log.text());
            assertTrue(log.text().contains("PAM: password authentication accepted for " + u.name() + "\r\n"), log.text());
        }
    }

    @Test
    void theConversationIsAskedForThePasswordWithEchoOff() throws Exception {
        Recorder conv = new Recorder(SECRET);
        try (Pam pam = start(conv)) {
            pam.authenticate(false);
        }
        assertEquals(List.of(List.of(new Message(Message.PROMPT_ECHO_OFF, "Password: "))), conv.rounds);
    }

    @Test
    void aWrongPasswordFailsWithPamsReasonLogged() throws Exception {
        try (LogCapture log = new LogCapture(); Pam pam = start(new Recorder(null))) {
            PamException e = assertThrows(PamException.class, () -> pam.authenticatePassword("correct horse", false));
            assertEquals(PAM_AUTH_ERR, e.code());
            assertEquals("Authentication failure", e.pamMessage());
            assertTrue(log.text().contains("PAM: password authentication failed for " + u.name()
                    + ": Authentication failure\r\n"), log.text());
        }
    }

    @Test
    void aConversationThatGivesUpFailsAuthentication() throws Exception {
        try (Pam pam = start(round -> Optional.empty())) {
            assertThrows(PamException.class, () -> pam.authenticate(false));
        }
    }

    @Test
    void aLockedAccountCannotAuthenticate() throws Exception {
        try (Pam pam = start(new Recorder(null))) {
            u.lock();
            assertThrows(PamException.class, () -> pam.authenticatePassword(SECRET, false));
        }
    }

    /**
     * pam_unix's auth step does not look at the expiry date; its account step answers
     * PAM_ACCT_EXPIRED, which Debian's common-account ("default=ignore", then pam_deny) turns
     * into PAM_AUTH_ERR.
     */
    @Test
    void anExpiredAccountAuthenticatesButIsRefusedByAccountManagement() throws Exception {
        Recorder conv = new Recorder(null);
        try (LogCapture log = new LogCapture(); Pam pam = start(conv)) {
            u.expire();
            pam.authenticatePassword(SECRET, false);
            PamException e = assertThrows(PamException.class, pam::accountManagement);
            assertEquals(PAM_AUTH_ERR, e.code());
            assertFalse(e.passwordChangeRequired());
            assertTrue(log.text().contains("Access denied for user " + u.name() + " by PAM account configuration\r\n"),
                    log.text());
            assertEquals(List.of(new Message(Message.ERROR_MSG,
                    "Your account has expired; please contact your system administrator.")), conv.all());
        }
    }

    @Test
    void aPasswordRootForcedToChangeIsReportedApartFromRefusals() throws Exception {
        try (LogCapture log = new LogCapture(); Pam pam = start(new Recorder(null))) {
            u.forcePasswordChange();
            pam.authenticatePassword(SECRET, false);
            PamException e = assertThrows(PamException.class, pam::accountManagement);
            assertTrue(e.passwordChangeRequired(), e.getMessage());
            assertFalse(log.text().contains("Access denied"), log.text());
        }
    }

    @Test
    void anEmptyPasswordWorksOnlyWithPermitEmptyPasswords() throws Exception {
        try (Pam pam = start(new Recorder(null))) {
            u.clearPassword();
            assertThrows(PamException.class, () -> pam.authenticatePassword("", false));
            pam.authenticatePassword("", true);
        }
    }

    @Test
    void aSessionOpensAndClosesAfterAuthentication() throws Exception {
        try (LogCapture log = new LogCapture(); Pam pam = start(new Recorder(null))) {
            pam.authenticatePassword(SECRET, false);
            pam.accountManagement();
            pam.openSession();
            pam.closeSession();
            assertTrue(log.text().contains("PAM: establishing credentials\r\n"), log.text());
            assertTrue(log.text().contains("PAM: closing session\r\n"), log.text());
            assertTrue(log.text().contains("PAM: deleting credentials\r\n"), log.text());
        }
    }

    @Test
    void aNameWithNulNeverReachesPam() {
        assertThrows(IllegalArgumentException.class, () -> Pam.start("sftpd", "root\0evil", CLIENT, round -> Optional.empty()));
    }
}
