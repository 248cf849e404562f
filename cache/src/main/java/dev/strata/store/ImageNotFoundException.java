package dev.strata.store;

/** No image in the store by that name, digest or id. */
public final class ImageNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ImageNotFoundException(String name) {
    super("image not known: " + name + " (see 'strata images')");
  }
}
