package dev.strata.store;

import java.nio.file.Path;

/**
 * Opens and closes the store at {@code args[0]}: a later command, inside or outside the namespace.
 */
public final class StoreOpener {
  public static void main(String[] args) {
    Store.open(Path.of(args[0])).close();
  }
}
