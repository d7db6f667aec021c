// The configuration as read: the global settings and the Match blocks, from which each connection's Config is made.
package dev.sftpd.server.config;

import java.util.List;
import java.util.stream.Stream;

/**
 * sshd's two steps: at start the global settings alone decide what the daemon does (listen,
 * host keys, pools); once a connection names its user, the Match blocks whose criteria it meets
 * override them, the first matching block to set a keyword winning, as parse_server_match_config()
 * and copy_set_server_options() do.
 */
public final class Configuration {
    /** A Match block: its criteria and what it sets. */
    record Block(MatchCriteria criteria, Settings settings) {}

    private final Settings global;
    private final List<Block> blocks;
    private final Config globalConfig;
    private final Config transportConfig;

    Configuration(Settings global, List<Block> blocks) throws ConfigException {
        this.global = global;
        this.blocks = List.copyOf(blocks);
        this.globalConfig = Config.from(global);
        this.transportConfig = widenedForTransports();
    }

    /** What the daemon runs with, and what a connection gets that no Match block selects. */
    public Config global() {
        return globalConfig;
    }

    /** Whether any Match block exists: without one every connection has {@link #global()}. */
    public boolean hasMatchBlocks() {
        return !blocks.isEmpty();
    }

    /**
     * What a transport runs its SSH side with, before the user is known: the global configuration,
     * but offering every authentication method some Match block enables and allowing the largest
     * MaxAuthTries and MaxSessions any block sets. The monitor then holds each connection to its
     * own matched values, as sshd's monitor answers for the user's options.
     */
    public Config forTransports() {
        return transportConfig;
    }

    private Config widenedForTransports() throws ConfigException {
        Settings widened = new Settings();
        for (Keyword<Boolean> method : List.of(Keywords.PUBKEY_AUTHENTICATION, Keywords.PASSWORD_AUTHENTICATION,
                Keywords.KBD_INTERACTIVE_AUTHENTICATION)) {
            if (settings().anyMatch(s -> s.has(method) && s.get(method))) {
                widened.add(method, true);
            }
        }
        for (Keyword<Integer> limit : List.of(Keywords.MAX_AUTH_TRIES, Keywords.MAX_SESSIONS)) {
            widened.add(limit, settings().filter(s -> s == global || s.has(limit)).mapToInt(s -> s.get(limit))
                    .max().orElseThrow());
        }
        Settings transports = global.copy();
        transports.overlay(widened);
        return Config.from(transports);
    }

    private Stream<Settings> settings() {
        return Stream.concat(Stream.of(global), blocks.stream().map(Block::settings));
    }

    /**
     * The effective configuration of one connection.
     *
     * @throws ConfigException when the result cannot work (AuthenticationMethods needing a method a
     *     Match block turned off), which sshd, too, finds only for the connection
     */
    public Config forConnection(ConnectionSpec connection) throws ConfigException {
        Settings matched = new Settings();
        for (Block block : blocks) {
            if (block.criteria().matches(connection)) {
                matched.addAll(block.settings());
            }
        }
        Settings effective = global.copy();
        effective.overlay(matched);
        return Config.from(effective);
    }
}
