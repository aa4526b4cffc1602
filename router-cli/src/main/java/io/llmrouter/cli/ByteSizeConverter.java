package io.llmrouter.cli;

import io.llmrouter.facade.ByteSize;
import picocli.CommandLine;

/** picocli's side of {@link ByteSize}: a bad size becomes a usage error (exit 2) instead of a stack trace. */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return ByteSize.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
