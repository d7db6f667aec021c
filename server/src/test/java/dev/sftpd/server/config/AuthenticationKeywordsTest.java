// The authentication and access keywords: sshd's defaults, values, refusals and -T lines for each.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.assertRoundTrip;
import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.dumped;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static dev.sftpd.server.config.ConfigFile.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.sftpd.monitor.auth.AccessRules;
import dev.sftpd.monitor.auth.PermitRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AuthenticationKeywordsTest {
    @TempDir
    Path dir;

    // yes/no keywords

    static Stream<Arguments> flags() {
        return Stream.of(
                arguments("UsePAM", true, (Function<Config, Boolean>) Config::usePam),
                arguments("PasswordAuthentication", true, (Function<Config, Boolean>) Config::passwordAuthentication),
                arguments("KbdInteractiveAuthentication", true,
                        (Function<Config, Boolean>) Config::kbdInteractiveAuthentication),
                arguments("PermitEmptyPasswords", false, (Function<Config, Boolean>) Config::permitEmptyPasswords));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flags")
    void yesNoKeywordsHaveSshdsDefaultsAndSyntax(String keyword, boolean byDefault, Function<Config, Boolean> value)
            throws Exception {
        assertEquals(byDefault, value.apply(parse(dir)));
        String opposite = byDefault ? "No" : "YES";
        assertEquals(!byDefault, value.apply(parse(dir, keyword + " " + opposite)));
        String printed = keyword.toLowerCase(Locale.ROOT);
        assertEquals(List.of(printed + " " + opposite.toLowerCase(Locale.ROOT)),
                dumped(dir, printed, keyword + " " + opposite));
        assertRoundTrip(dir, keyword + " " + opposite);
        assertEquals(at(dir, 2) + ": unsupported option \"maybe\".", error(dir, "# comment", keyword + " maybe"));
    }

    @Test
    void challengeResponseAuthenticationIsKbdInteractiveAuthentication() throws Exception {
        assertFalse(parse(dir, "ChallengeResponseAuthentication no").kbdInteractiveAuthentication());
        // One option under two names: the first line of either spelling wins, as in sshd.
        assertFalse(parse(dir, "ChallengeResponseAuthentication no", "KbdInteractiveAuthentication yes")
                .kbdInteractiveAuthentication());
        assertEquals(List.of("kbdinteractiveauthentication no"),
                dumped(dir, "kbdinteractiveauthentication", "challengeresponseauthentication no"));
        assertEquals(at(dir, 1) + ": unsupported option \"1\".", error(dir, "ChallengeResponseAuthentication 1"));
    }

    // PermitRootLogin

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "yes,                  YES,                  yes",
        "prohibit-password,    PROHIBIT_PASSWORD,    without-password",
        "without-password,     PROHIBIT_PASSWORD,    without-password",
        "Forced-Commands-Only, FORCED_COMMANDS_ONLY, forced-commands-only",
        "NO,                   NO,                   no",
    })
    void permitRootLoginTakesSshdsWords(String word, PermitRoot mode, String printed) throws Exception {
        assertEquals(mode, parse(dir, "PermitRootLogin " + word).permitRootLogin());
        assertEquals(List.of("permitrootlogin " + printed), dumped(dir, "permitrootlogin", "PermitRootLogin " + word));
        assertRoundTrip(dir, "PermitRootLogin " + word);
    }

    @Test
    void permitRootLoginDefaultsToProhibitPassword() throws Exception {
        assertEquals(PermitRoot.PROHIBIT_PASSWORD, parse(dir).permitRootLogin());
        assertEquals(at(dir, 1) + ": unsupported option \"sometimes\".", error(dir, "PermitRootLogin sometimes"));
    }

    // AuthenticationMethods

    @Test
    void authenticationMethodsDefaultsToAny() throws Exception {
        assertEquals(List.of(), parse(dir).authenticationMethods());
        assertEquals(List.of(), parse(dir, "AuthenticationMethods any").authenticationMethods());
        assertEquals(List.of("authenticationmethods any"), dumped(dir, "authenticationmethods"));
    }

    @Test
    void authenticationMethodsAreListsOfMethodsInOrder() throws Exception {
        String methods = "publickey,password publickey,keyboard-interactive:pam keyboard-interactive";
        assertEquals(List.of(List.of("publickey", "password"), List.of("publickey", "keyboard-interactive:pam"),
                        List.of("keyboard-interactive")),
                parse(dir, "AuthenticationMethods " + methods).authenticationMethods());
        assertEquals(List.of("authenticationmethods " + methods),
                dumped(dir, "authenticationmethods", "AuthenticationMethods " + methods));
        assertRoundTrip(dir, "AuthenticationMethods " + methods);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"any publickey", "publickey any", "any any"})
    void anyMustAppearAlone(String methods) {
        assertEquals(at(dir, 1) + ": \"any\" must appear alone in AuthenticationMethods",
                error(dir, "AuthenticationMethods " + methods));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "foo any                      | foo",
        "Any                          | Any",
        "publickey,                   | ''",
        "hostbased                    | hostbased",
        "none                         | none",
        "keyboard-interactive:bsdauth | keyboard-interactive:bsdauth",
    })
    void authenticationMethodsNameOnlyMethodsSftpdOffers(String methods, String method) {
        assertEquals(at(dir, 1) + ": invalid authenticationmethods method list: unsupported authentication method \""
                + method + "\"", error(dir, "authenticationmethods " + methods));
    }

    @Test
    void authenticationMethodsMustLeaveAListThatEnabledMethodsCanComplete() throws Exception {
        assertEquals("AuthenticationMethods cannot be satisfied by enabled authentication methods",
                error(dir, "PasswordAuthentication no", "AuthenticationMethods publickey,password"));
        assertEquals("AuthenticationMethods cannot be satisfied by enabled authentication methods",
                error(dir, "KbdInteractiveAuthentication no", "PubkeyAuthentication no",
                        "AuthenticationMethods keyboard-interactive:pam publickey"));
        assertEquals(List.of(List.of("password"), List.of("publickey")), parse(dir, "PubkeyAuthentication no",
                "AuthenticationMethods password publickey").authenticationMethods());
    }

    // MaxAuthTries, LoginGraceTime

    @Test
    void maxAuthTriesIsACountFromZero() throws Exception {
        assertEquals(6, parse(dir).maxAuthTries());
        assertEquals(3, parse(dir, "MaxAuthTries 3").maxAuthTries());
        assertEquals(0, parse(dir, "MaxAuthTries 0").maxAuthTries());
        assertEquals(10, parse(dir, "MaxAuthTries 010").maxAuthTries(), "decimal, as strtonum()");
        assertEquals(List.of("maxauthtries 3"), dumped(dir, "maxauthtries", "MaxAuthTries 3"));
        assertRoundTrip(dir, "MaxAuthTries 3");
    }

    @Test
    void badMaxAuthTriesAreRefusedInStrtonumsWords() {
        assertEquals(at(dir, 1) + ": MaxAuthTries integer value invalid.", error(dir, "MaxAuthTries six"));
        assertEquals(at(dir, 1) + ": maxauthtries integer value invalid.", error(dir, "maxauthtries 0x10"));
        assertEquals(at(dir, 1) + ": MaxAuthTries integer value too small.", error(dir, "MaxAuthTries -1"));
        assertEquals(at(dir, 1) + ": MaxAuthTries integer value too large.", error(dir, "MaxAuthTries 2147483648"));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "MaxAuthTries"));
    }

    @ParameterizedTest(name = "{0} is {1} s")
    @CsvSource({"120, 120", "2m, 120", "90, 90", "1h30m, 5400", "0, 0", "1w, 604800"})
    void loginGraceTimeReadsSshdTimes(String time, long seconds) throws Exception {
        assertEquals(Duration.ofSeconds(seconds), parse(dir, "LoginGraceTime " + time).loginGraceTime());
        assertEquals(List.of("logingracetime " + seconds), dumped(dir, "logingracetime", "LoginGraceTime " + time));
        assertRoundTrip(dir, "LoginGraceTime " + time);
    }

    @Test
    void loginGraceTimeDefaultsToTwoMinutesAndRefusesWhatConvtimeRefuses() throws Exception {
        assertEquals(Duration.ofSeconds(120), parse(dir).loginGraceTime());
        assertEquals(at(dir, 1) + ": invalid time value.", error(dir, "LoginGraceTime soon"));
        assertEquals(at(dir, 1) + ": invalid time value.", error(dir, "LoginGraceTime none"));
        assertEquals(at(dir, 1) + ": invalid time value.", error(dir, "LoginGraceTime 2147483648"));
        assertEquals(at(dir, 1) + ": invalid time value.", error(dir, "LoginGraceTime -1"));
    }

    // AllowUsers, DenyUsers, AllowGroups, DenyGroups

    @Test
    void accessListsAreEmptyByDefault() throws Exception {
        assertEquals(AccessRules.NONE, parse(dir).accessRules());
    }

    @Test
    void accessListsAccumulateOverLinesAsInSshd() throws Exception {
        Config c = parse(dir, "AllowUsers alice bob@10.0.0.0/8", "DenyUsers mallory", "AllowUsers carol",
                "AllowGroups sftp", "DenyGroups nosftp wheel", "AllowGroups staff", "DenyUsers eve@*");
        assertEquals(new AccessRules(List.of("alice", "bob@10.0.0.0/8", "carol"), List.of("mallory", "eve@*"),
                List.of("sftp", "staff"), List.of("nosftp", "wheel")), c.accessRules());
    }

    @Test
    void minusOAccessListsComeFirstAndTheFileAddsToThem() throws Exception {
        Config c = ConfigParser.parse(write(dir, "AllowUsers bob"), List.of("AllowUsers=alice"), List.of(), List.of());
        assertEquals(List.of("alice", "bob"), c.accessRules().allowUsers());
    }

    @Test
    void theDumpPrintsALinePerPattern() throws Exception {
        String[] lines = {"AllowUsers a b", "AllowUsers c", "DenyUsers \"x y\"", "AllowGroups g", "DenyGroups h i"};
        assertEquals(List.of("allowusers a", "allowusers b", "allowusers c"), dumped(dir, "allowusers", lines));
        assertEquals(List.of("denyusers \"x y\""), dumped(dir, "denyusers", lines));
        assertEquals(List.of("allowgroups g"), dumped(dir, "allowgroups", lines));
        assertEquals(List.of("denygroups h", "denygroups i"), dumped(dir, "denygroups", lines));
        assertRoundTrip(dir, lines);
    }

    @Test
    void userPatternsWithABadAddressListAreRefused() {
        assertEquals(at(dir, 1) + ": invalid AllowUsers pattern: \"bob@1.2.3.4/8\"",
                error(dir, "AllowUsers alice bob@1.2.3.4/8"));
        assertEquals(at(dir, 2) + ": invalid denyusers pattern: \"bob@\"", error(dir, "Port 22", "denyusers bob@"));
        assertEquals(at(dir, 1) + ": invalid DenyUsers pattern: \"\"", error(dir, "DenyUsers \"\""));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "AllowUsers"));
    }

    @Test
    void emptyGroupPatternsAreRefused() {
        assertEquals(at(dir, 1) + ": empty AllowGroups pattern", error(dir, "AllowGroups staff \"\""));
        assertEquals(at(dir, 1) + ": empty DenyGroups pattern", error(dir, "DenyGroups \"\""));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "DenyGroups"));
    }

    // TrustedUserCAKeys, AuthorizedPrincipalsFile

    /** An sftpd extension: sshd expands no tokens in TrustedUserCAKeys. */
    @Test
    void trustedUserCaKeysExpandsTokensAndIsTheUsersOwnWithPercentH() throws Exception {
        Config home = parse(dir, "TrustedUserCAKeys %h/.ssh/ca-%u-%U.pub");
        assertEquals(Optional.of(Path.of("/home/alice/.ssh/ca-alice-1000.pub")),
                home.trustedUserCaKeys("alice", 1000, Path.of("/home/alice")));
        assertTrue(home.trustedUserCaKeysInHome());
        Config perUser = parse(dir, "TrustedUserCAKeys /etc/sftpd/ca/%u.pub");
        assertEquals(Optional.of(Path.of("/etc/sftpd/ca/alice.pub")),
                perUser.trustedUserCaKeys("alice", 1000, Path.of("/home/alice")));
        assertFalse(perUser.trustedUserCaKeysInHome(), "the administrator's directory, read as root");
        assertFalse(parse(dir, "TrustedUserCAKeys /etc/sftpd/100%%h.pub").trustedUserCaKeysInHome());
        assertEquals(at(dir, 1) + ": bad TrustedUserCAKeys \"%x/ca\": unknown key %x",
                error(dir, "TrustedUserCAKeys %x/ca"));
    }

    @Test
    void trustedUserCaKeysIsAPathOrNone() throws Exception {
        assertEquals(Optional.empty(), parse(dir).trustedUserCaKeys());
        assertEquals(Optional.of("/etc/sftpd/ca.pub"),
                parse(dir, "TrustedUserCAKeys /etc/sftpd/ca.pub").trustedUserCaKeys());
        assertEquals(Optional.of(Path.of("ca.pub").toAbsolutePath().toString()),
                parse(dir, "TrustedUserCAKeys ca.pub").trustedUserCaKeys());
        assertFalse(parse(dir, "TrustedUserCAKeys /etc/sftpd/ca.pub").trustedUserCaKeysInHome());
        assertEquals(Optional.empty(), parse(dir, "TrustedUserCAKeys none").trustedUserCaKeys());
        assertEquals(List.of("trustedusercakeys /etc/sftpd/ca.pub"),
                dumped(dir, "trustedusercakeys", "TrustedUserCAKeys /etc/sftpd/ca.pub"));
        assertRoundTrip(dir, "TrustedUserCAKeys \"/etc/sftpd/user ca.pub\"");
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "TrustedUserCAKeys"));
    }

    @Test
    void authorizedPrincipalsFileIsAPatternOrNone() throws Exception {
        assertEquals(Optional.empty(), parse(dir).authorizedPrincipalsFile());
        assertEquals(Optional.empty(), parse(dir).authorizedPrincipalsFile("bob", 1002, Path.of("/home/bob")));
        assertEquals(Optional.empty(), parse(dir, "AuthorizedPrincipalsFile none").authorizedPrincipalsFile());
        assertEquals(List.of("authorizedprincipalsfile /etc/principals/%u"),
                dumped(dir, "authorizedprincipalsfile", "AuthorizedPrincipalsFile /etc/principals/%u"));
        assertRoundTrip(dir, "AuthorizedPrincipalsFile \"%h/my principals\"");
    }

    @Test
    void authorizedPrincipalsFileExpandsPerUserAsAuthorizedKeysFile() throws Exception {
        Path home = Path.of("/home/bob");
        assertEquals(Optional.of(Path.of("/etc/principals/bob")), parse(dir,
                "AuthorizedPrincipalsFile /etc/principals/%u").authorizedPrincipalsFile("bob", 1002, home));
        assertEquals(Optional.of(Path.of("/home/bob/.ssh/principals_1002")),
                parse(dir, "AuthorizedPrincipalsFile .ssh/principals_%U").authorizedPrincipalsFile("bob", 1002, home));
        assertEquals(Optional.of(Path.of("/home/bob/p%")),
                parse(dir, "AuthorizedPrincipalsFile %h/p%%").authorizedPrincipalsFile("bob", 1002, home));
    }

    @Test
    void authorizedPrincipalsFileTokensAreCheckedAtOnce() {
        assertEquals(at(dir, 1) + ": bad AuthorizedPrincipalsFile \"/p/%n\": unknown key %n",
                error(dir, "AuthorizedPrincipalsFile /p/%n"));
        assertEquals(at(dir, 1) + ": keyword AuthorizedPrincipalsFile extra arguments at end of line",
                error(dir, "AuthorizedPrincipalsFile /a /b"));
    }
}
