package dev.shipyard.workflows.images;

import java.util.List;

/**
 * An image as the registry serves it after the push: read back from the registry (its manifest by
 * digest), not from the builder. Bounded: an image built here has at most four layers.
 *
 * @param reference {@code <registry>/<repository>@<digest>}
 * @param digest the manifest's digest ({@code sha256:...})
 * @param mediaType the manifest's media type
 * @param size the config's size plus every layer's size (compressed, as pushed)
 * @param config the config blob's digest and size
 * @param layers the layers in order, with digest, size and media type
 * @param stack the stack the image was built for ({@code java-maven}, {@code python}, {@code node},
 *     {@code files})
 * @param base the base image, or {@code scratch}
 * @param sbom where the CycloneDX SBOM is in the image, or null when the stack declares no
 *     dependencies
 */
public record BuiltImage(
    String reference,
    String digest,
    String mediaType,
    long size,
    Blob config,
    List<Blob> layers,
    String stack,
    String base,
    String sbom) {

  public BuiltImage {
    layers = List.copyOf(layers);
  }

  /** A blob of the manifest: digest, size and media type. */
  public record Blob(String digest, long size, String mediaType) {}
}
