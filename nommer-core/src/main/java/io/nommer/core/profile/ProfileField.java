package io.nommer.core.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One field of a {@link Profile}: its wire name, its Java type, how a JSON value becomes a checked value of that type
 * and how it is written back. The fields themselves are declared once, in {@link Profile}; everything else (reading,
 * writing, overlaying, listing) goes over {@link Profile#fields()}.
 *
 * <p>JSON values arrive as what a JSON reader produces for a scalar: {@link String}, {@link Number},
 * {@link Boolean}, a {@link List} of those for arrays, or {@link #NOT_A_SCALAR} for an object; each field refuses what
 * is not its type with a message naming what it must be (never echoing a secret's value).
 *
 * @param <T> the Java type of the field's value
 */
public final class ProfileField<T> {
    /** Stands for a JSON object where a field expects a scalar; no field accepts it. */
    public static final Object NOT_A_SCALAR = new Object() {
        @Override
        public String toString() {
            return "{...}";
        }
    };

    private static final List<ProfileField<?>> ALL = new ArrayList<>();
    private static final Map<String, ProfileField<?>> BY_NAME = new HashMap<>();

    /** Reads a JSON value into a checked value, or throws {@link IllegalArgumentException} saying what it must be. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Object json);
    }

    private final String name;
    private final int index;
    private final Reader<T> reader;
    private final Function<T, Object> writer;
    private final boolean settable;
    private final boolean secret;

    private ProfileField(String name, Reader<T> reader, Function<T, Object> writer, boolean settable, boolean secret) {
        this.name = name;
        this.reader = reader;
        this.writer = writer;
        this.settable = settable;
        this.secret = secret;
        synchronized (ALL) {
            this.index = ALL.size();
            ALL.add(this);
            if (BY_NAME.put(name, this) != null) {
                throw new IllegalStateException("profile field " + name + " is declared twice");
            }
        }
    }

    /** The wire name, e.g. {@code video_bitrate}. */
    public String name() {
        return name;
    }

    /** Whether users may set it; false for preset-only fields such as {@code codec_options}. */
    public boolean settable() {
        return settable;
    }

    /** Whether its value is a secret: never rendered by the API, masked in logs. */
    public boolean secret() {
        return secret;
    }

    int index() {
        return index;
    }

    /**
     * The checked value of a JSON value.
     *
     * @throws IllegalArgumentException saying what the value must be
     */
    public T fromJson(Object json) {
        return reader.read(json);
    }

    /** The value as a JSON scalar ({@link String}, {@link Integer}, {@link Double}, {@link Boolean}) or a list of strings. */
    public Object toJson(T value) {
        return writer.apply(value);
    }

    /** A typed value checked as if it had come from JSON; answers it normalized (e.g. hex in lower case). */
    T check(T value) {
        return reader.read(writer.apply(value));
    }

    /** The fields declared so far, in declaration order; {@link Profile#fields()} is the complete list. */
    static List<ProfileField<?>> registered() {
        return Collections.unmodifiableList(ALL);
    }

    static Optional<ProfileField<?>> registered(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------- kinds of fields, for Profile's declarations

    static ProfileField<String> string(String name, Function<String, String> check) {
        return new ProfileField<>(name, raw -> check.apply(asString(raw)), s -> s, true, false);
    }

    /** 32 hexadecimal characters (128 bits), kept in lower case; a {@code secret} one is never rendered or logged. */
    static ProfileField<String> hex128(String name, boolean secret) {
        return new ProfileField<>(name, ProfileField::hex128, s -> s, true, secret);
    }

    static ProfileField<String> oneOf(String name, Set<String> allowed) {
        return string(name, s -> requireOneOf(s, allowed));
    }

    static ProfileField<Integer> integer(String name, int min, int max) {
        return new ProfileField<>(name, raw -> integer(raw, min, max), i -> i, true, false);
    }

    static ProfileField<Integer> integer(String name, int min, int max, Function<Integer, Integer> check) {
        return new ProfileField<>(name, raw -> check.apply(integer(raw, min, max)), i -> i, true, false);
    }

    static ProfileField<Double> number(String name, double min, double max) {
        return new ProfileField<>(name, raw -> number(raw, min, max), d -> d, true, false);
    }

    static ProfileField<Double> number(String name, double min, double max, Function<Double, Double> check) {
        return new ProfileField<>(name, raw -> check.apply(number(raw, min, max)), d -> d, true, false);
    }

    /**
     * A frame rate between {@code min} and {@code max}: a number, or a string holding a fraction or a decimal; written
     * back as a number when it is a whole one, else as the fraction ({@code "30000/1001"}).
     */
    static ProfileField<FrameRate> frameRate(String name, double min, double max) {
        return new ProfileField<>(
                name,
                raw -> {
                    FrameRate r;
                    if (raw instanceof Number n && !Double.isNaN(n.doubleValue())) {
                        r = FrameRate.of(n.doubleValue());
                    } else if (raw instanceof String s) {
                        r = FrameRate.parse(s);
                    } else {
                        throw new IllegalArgumentException(
                                "must be a number of frames per second or a fraction such as \"30000/1001\"");
                    }
                    if (r.value() < min || r.value() > max) {
                        throw new IllegalArgumentException("must be between " + fmt(min) + " and " + fmt(max));
                    }
                    return r;
                },
                r -> r.den() == 1 ? (Object) (double) r.num() : r.toString(),
                true,
                false);
    }

    static ProfileField<Boolean> bool(String name) {
        return new ProfileField<>(name, ProfileField::bool, b -> b, true, false);
    }

    static <E extends Enum<E>> ProfileField<E> enumeration(
            String name, Function<String, E> parse, Function<E, String> wireName, String allowed) {
        return new ProfileField<>(
                name,
                raw -> {
                    String s = asString(raw);
                    try {
                        return parse.apply(s);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("must be one of " + allowed + ", not '" + s + "'");
                    }
                },
                wireName::apply,
                true,
                false);
    }

    /** A field only presets set: JSON may carry it back (the store) but users may not. */
    static ProfileField<List<String>> presetOnlyStrings(String name) {
        return new ProfileField<>(
                name,
                raw -> {
                    if (raw instanceof List<?> list) {
                        return list.stream().map(String::valueOf).toList();
                    }
                    throw new IllegalArgumentException("must be a list of strings");
                },
                List::copyOf,
                false,
                false);
    }

    /** Any other kind: {@code reader} reads and checks a JSON value. */
    static <T> ProfileField<T> custom(String name, Reader<T> reader, Function<T, Object> writer) {
        return new ProfileField<>(name, reader, writer, true, false);
    }

    // ---------------------------------------------------------------- checks shared by the kinds

    private static final Pattern HEX_128 = Pattern.compile("[0-9a-fA-F]{32}");

    static String asString(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("must be a string");
    }

    static String requireOneOf(String s, Set<String> allowed) {
        if (!allowed.contains(s)) {
            throw new IllegalArgumentException("must be one of " + new TreeSet<>(allowed) + ", not '" + s + "'");
        }
        return s;
    }

    private static String hex128(Object raw) {
        String s = asString(raw);
        if (!HEX_128.matcher(s).matches()) {
            // why: never echo the value; it may be a key
            throw new IllegalArgumentException("must be 32 hexadecimal characters (128 bits)");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("must be true or false");
    }

    static int integer(Object raw, int min, int max) {
        if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("must be an integer");
        }
        double d = n.doubleValue();
        if (d < min || d > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return (int) d;
    }

    static double number(Object raw, double min, double max) {
        if (!(raw instanceof Number n) || Double.isNaN(n.doubleValue())) {
            throw new IllegalArgumentException("must be a number");
        }
        double d = n.doubleValue();
        if (d < min || d > max) {
            throw new IllegalArgumentException("must be between " + fmt(min) + " and " + fmt(max));
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
