package dev.sftpd.sftp.it;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Decoded server-to-client SFTP v3 packets and their comparable text form. */
sealed interface Reply {
    int VERSION = 2;
    int STATUS = 101;
    int HANDLE = 102;
    int DATA = 103;
    int NAME = 104;
    int ATTRS = 105;
    int EXTENDED_REPLY = 201;

    /** The request id, or -1 for packets that have none (VERSION, unknown types). */
    long id();

    String render(View view, ExtendedFormat format);

    record Version(long version, List<String> extensions) implements Reply {
        public long id() {
            return -1;
        }

        public String render(View view, ExtendedFormat format) {
            StringBuilder s = new StringBuilder("VERSION ").append(version);
            for (int i = 0; i < extensions.size(); i += 2) {
                s.append("\n  ").append(extensions.get(i)).append(" = ").append(extensions.get(i + 1));
            }
            return s.toString();
        }
    }

    record Status(long id, long code, String message, String lang) implements Reply {
        public String render(View view, ExtendedFormat format) {
            return "STATUS " + code + " \"" + message + "\" lang=\"" + lang + "\"";
        }
    }

    /** Handle bytes are the server's own business: only their presence is compared. */
    record Handle(long id, byte[] handle) implements Reply {
        public String render(View view, ExtendedFormat format) {
            return "HANDLE";
        }
    }

    record Data(long id, byte[] data) implements Reply {
        public String render(View view, ExtendedFormat format) {
            if (data.length <= 64) {
                return "DATA \"" + Wire.escape(data) + "\"";
            }
            byte[] head = java.util.Arrays.copyOf(data, 24);
            return "DATA " + data.length + " bytes sha256=" + sha256(data) + " starting \"" + Wire.escape(head) + "\"";
        }
    }

    record Entry(String name, String longName, Attrs attrs) {
        String render(View view) {
            return name + " | " + view.longName(longName, attrs) + " | " + attrs.render(view);
        }
    }

    record Name(long id, List<Entry> entries) implements Reply {
        public String render(View view, ExtendedFormat format) {
            return "NAME " + entries.size() + entries.stream()
                    .map(e -> "\n  " + e.render(view)).collect(Collectors.joining());
        }
    }

    record AttrsReply(long id, Attrs attrs) implements Reply {
        public String render(View view, ExtendedFormat format) {
            return "ATTRS " + attrs.render(view);
        }
    }

    record ExtendedReply(long id, byte[] data) implements Reply {
        public String render(View view, ExtendedFormat format) {
            return "EXTENDED_REPLY " + format.render(new Wire.In(data));
        }
    }

    /** Anything else, and replies our decoder cannot parse: shown raw so the difference is visible. */
    record Other(long id, String description) implements Reply {
        public String render(View view, ExtendedFormat format) {
            return description;
        }
    }

    static Reply decode(byte[] payload) {
        Wire.In in = new Wire.In(payload);
        int type = -1;
        long id = -1;
        try {
            type = in.u8();
            if (type == VERSION) {
                long version = in.u32();
                List<String> ext = new ArrayList<>();
                while (in.remaining() > 0) {
                    ext.add(in.text());
                    ext.add(in.text());
                }
                return new Version(version, List.copyOf(ext));
            }
            id = in.u32();
            Reply r = switch (type) {
                case STATUS -> new Status(id, in.u32(), in.text(), in.text());
                case HANDLE -> new Handle(id, in.string());
                case DATA -> new Data(id, in.string());
                case NAME -> {
                    List<Entry> entries = new ArrayList<>();
                    for (long n = in.u32(); n > 0; n--) {
                        entries.add(new Entry(in.text(), in.text(), Attrs.decode(in)));
                    }
                    yield new Name(id, List.copyOf(entries));
                }
                case ATTRS -> new AttrsReply(id, Attrs.decode(in));
                case EXTENDED_REPLY -> {
                    byte[] rest = new byte[in.remaining()];
                    for (int i = 0; i < rest.length; i++) {
                        rest[i] = (byte) in.u8();
                    }
                    yield new ExtendedReply(id, rest);
                }
                default -> new Other(id, "UNKNOWN TYPE " + type + " " + HexFormat.of().formatHex(payload));
            };
            if (in.remaining() > 0) {
                return new Other(id, "TRAILING " + in.remaining() + " BYTES after " + type + ": "
                        + HexFormat.of().formatHex(payload));
            }
            return r;
        } catch (Wire.Malformed e) {
            return new Other(id, "MALFORMED type " + type + " (" + e.getMessage() + "): "
                    + HexFormat.of().formatHex(payload));
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
