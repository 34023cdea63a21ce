package dev.shipyard.storage;

import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;

/**
 * An object being read without blocking: what it is, and its bytes as a Reactive Streams publisher
 * (subscribe once; e.g. {@code Flux.from(body)} in WebFlux).
 *
 * @param info the object's key, the length of {@code body} and its content type
 * @param body the bytes, in the order stored
 */
public record BlobDownload(BlobInfo info, Publisher<ByteBuffer> body) {}
