package dev.weftkit.wkd;

/**
 * Description of a configuration option (wkd_option_describe).
 *
 * @param id the stable numeric id
 * @param name the lower-case name, e.g. "probe_interval_ms"
 * @param type the value type
 * @param min the inclusive lower bound of an INT option
 * @param max the inclusive upper bound of an INT option
 * @param since the version that introduced it, e.g. "0.1"
 * @param description one line of English
 */
public record OptionInfo(int id, String name, OptionType type, long min, long max, String since,
    String description) {}
