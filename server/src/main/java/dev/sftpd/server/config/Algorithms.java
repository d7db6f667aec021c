// An algorithm family sshd_config lists (Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms): what MINA supports and enables, and OpenSSH's list syntax over it.
package dev.sftpd.server.config;

import dev.sftpd.sftp.PatternList;
import java.util.AbstractList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;
import org.apache.sshd.common.BaseBuilder;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.server.ServerBuilder;

/**
 * @param label how sshd's error names a bad list ("Bad SSH2 cipher spec '...'")
 * @param supported every name sftpd accepts
 * @param defaults the names enabled when the keyword is absent, in preference order: MINA's server defaults
 */
record Algorithms(String label, List<String> supported, List<String> defaults) {
    static final Algorithms CIPHERS = of("SSH2 cipher spec", BuiltinCiphers::values,
            () -> ServerBuilder.DEFAULT_SERVER_CIPHERS_PREFERENCE);
    static final Algorithms MACS = of("SSH2 mac spec", BuiltinMacs::values, () -> BaseBuilder.DEFAULT_MAC_PREFERENCE);
    static final Algorithms KEX = of("SSH2 KexAlgorithms", BuiltinDHFactories::values,
            () -> BaseBuilder.DEFAULT_KEX_PREFERENCE);
    static final Algorithms HOST_KEY = of("key types", BuiltinSignatures::values,
            () -> BaseBuilder.DEFAULT_SIGNATURE_PREFERENCE);

    /**
     * Both lists are found out on their first use: asking MINA what this JVM supports loads JCE
     * providers and their policy (some 15 ms of a transport's start), and a transport, which
     * parses only its monitor's dump, never needs them (see {@link #supportedOnly}).
     */
    private static <A extends NamedResource & OptionalFeature> Algorithms of(String label, Supplier<A[]> all,
                                                                            Supplier<List<A>> defaults) {
        return new Algorithms(label, new OnFirstUse(() -> names(List.of(all.get()))),
                new OnFirstUse(() -> names(defaults.get())));
    }

    /** Those this JVM can run (some need Bouncy Castle); never the "none" cipher, which OpenSSH does not offer. */
    private static <A extends NamedResource & OptionalFeature> List<String> names(List<A> algorithms) {
        return algorithms.stream().filter(OptionalFeature::isSupported).map(NamedResource::getName)
                .filter(name -> !name.equals("none")).toList();
    }

    /** A list made when it is first read. */
    private static final class OnFirstUse extends AbstractList<String> {
        private final Supplier<List<String>> make;
        private List<String> list;

        OnFirstUse(Supplier<List<String>> make) {
            this.make = make;
        }

        private synchronized List<String> list() {
            if (list == null) {
                list = make.get();
            }
            return list;
        }

        @Override
        public String get(int index) {
            return list().get(index);
        }

        @Override
        public int size() {
            return list().size();
        }
    }

    Syntax<List<String>> syntax() {
        return Syntax.oneLine(this::parse, names -> String.join(",", names));
    }

    /**
     * OpenSSH's kex_assemble_names(): a list replaces the defaults, "+list" appends to them, "-list" removes
     * the defaults its patterns match, "^list" puts the list first. Named algorithms must be supported.
     */
    private List<String> parse(Directive d) throws ConfigException {
        String spec = d.argument();
        List<String> names;
        if (spec.startsWith("+")) {
            names = union(defaults, supportedOnly(d, spec, spec.substring(1)));
        } else if (spec.startsWith("-")) {
            PatternList removed = PatternList.parse(spec.substring(1));
            names = defaults.stream().filter(name -> !removed.matches(name)).toList();
        } else if (spec.startsWith("^")) {
            names = union(supportedOnly(d, spec, spec.substring(1)), defaults);
        } else {
            names = union(supportedOnly(d, spec, spec), List.of());
        }
        if (names.isEmpty()) {
            throw d.error("Bad " + label + " '" + spec + "': no algorithm left");
        }
        return names;
    }

    /**
     * The names of list, each one this JVM supports. Not checked again in a dump: that is the
     * monitor's own configuration, checked when the monitor read it, in the same JVM build.
     */
    private List<String> supportedOnly(Directive d, String spec, String list) throws ConfigException {
        List<String> names = List.of(list.split(",", -1));
        if (d.file().equals(Directive.DUMP)) {
            return names;
        }
        for (String name : names) {
            if (!supported.contains(name)) {
                throw d.error("Bad " + label + " '" + spec + "': unsupported algorithm \"" + name + "\"");
            }
        }
        return names;
    }

    /** first, then what then adds, each name once. */
    private static List<String> union(List<String> first, List<String> then) {
        LinkedHashSet<String> names = new LinkedHashSet<>(first);
        names.addAll(then);
        return List.copyOf(names);
    }
}
