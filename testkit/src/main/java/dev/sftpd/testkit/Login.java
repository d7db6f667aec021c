// How a client authenticates: the ssh options that choose its methods and the password its askpass types.
package dev.sftpd.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code options} are ssh -o values; ssh keeps the first value of each, so later ones are defaults. */
public record Login(List<String> options, String password) {

    /** One password attempt, nothing else. */
    public static Login password(String password) {
        return new Login(List.of("PreferredAuthentications=password", "PubkeyAuthentication=no",
                "NumberOfPasswordPrompts=1"), password);
    }

    /** One keyboard-interactive round answered with {@code answer} at every prompt. */
    public static Login keyboardInteractive(String answer) {
        return new Login(List.of("PreferredAuthentications=keyboard-interactive", "KbdInteractiveAuthentication=yes",
                "PubkeyAuthentication=no", "NumberOfPasswordPrompts=1"), answer);
    }

    /** The key (and its certificate key-cert.pub, if there is one), nothing else. */
    public static Login key(Path key) {
        return new Login(List.of("PreferredAuthentications=publickey", "IdentityFile=" + key), "");
    }

    /** The key first, then one password attempt if the server asks for more. */
    public static Login keyThenPassword(Path key, String password) {
        return new Login(List.of("PreferredAuthentications=publickey,password", "IdentityFile=" + key,
                "NumberOfPasswordPrompts=1"), password);
    }

    /** The same, with up to {@code n} password prompts (each answered with the same password). */
    public Login attempts(int n) {
        List<String> first = new ArrayList<>(List.of("NumberOfPasswordPrompts=" + n));
        first.addAll(options);
        return new Login(first, password);
    }
}
