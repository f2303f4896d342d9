package dev.weftkit.wkd;

/** Value type of a configuration option. */
public enum OptionType {
  INT,
  STRING,
  BOOL
}
