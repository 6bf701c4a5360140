package io.nommer.core.encode;

/**
 * Makes one kind of {@link Encoder} (media-nommer's "Nommers"): the service interface an encoder plug-in implements.
 * Providers are found with {@link java.util.ServiceLoader}: a jar names its implementation in
 * {@code META-INF/services/io.nommer.core.encode.EncoderProvider} and sits on nommer's class path or in the
 * {@code plugins} folder; the {@code encoder} setting picks one by {@link #name()}. nommer's own ffmpeg and null
 * encoders are registered the same way.
 *
 * <p>An implementation has a public constructor without arguments, which must not do work (it runs in every process
 * that lists the encoders, also where another encoder is in use); checks belong in {@link #create}.
 */
public interface EncoderProvider {
    /**
     * The name the {@code encoder} setting selects, unique among the loaded encoders: 1-64 of {@code a-z},
     * {@code 0-9}, {@code .}, {@code _}, {@code -}, starting with a letter or digit.
     */
    String name();

    /**
     * Whether the encoders this provider creates {@linkplain Encoder#needsInput() read the input}: when true, the
     * worker fetches the input and probes it with ffprobe (enforcing the input limits) before every encode, and
     * claims one task at a time; when false it does neither and claims and completes tasks in batches. Must agree
     * with what {@link #create} returns.
     */
    boolean needsInput();

    /**
     * Creates the encoder a worker runs, once, when the worker starts. The worker calls the encoder from several
     * threads at once (one per slot).
     *
     * @throws IllegalArgumentException when the configuration cannot work for this encoder (a binary it needs is
     *     missing, say): the process does not start, and the message is shown to the operator
     */
    Encoder create(EncoderContext context);
}
