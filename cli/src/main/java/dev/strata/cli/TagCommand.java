package dev.strata.cli;

import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code strata tag SRC DST...}: more names for an image. */
@Command(name = "tag", description = "Give an image another name.")
final class TagCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;

  @Parameters(index = "0", paramLabel = "SRC", description = "Image name, id or digest.")
  String source;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "DST", description = "New names.")
  List<String> targets;

  @Override
  public Integer call() {
    try (Store store = top.openStore()) {
      targets.forEach(Store::canonicalName); // all names valid before any is written
      StoredImage i = store.image(source);
      targets.forEach(t -> store.tag(i.descriptor(), t));
    }
    return 0;
  }
}
