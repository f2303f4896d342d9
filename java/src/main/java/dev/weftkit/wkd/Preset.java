package dev.weftkit.wkd;

import dev.weftkit.wkd.jni.wkd_preset;

/** Timing presets, memberlist's DefaultLANConfig, DefaultWANConfig and DefaultLocalConfig. */
public enum Preset {
  /** Probe 1 s, gossip 200 ms, suspicion multiplier 4, push/pull 30 s. */
  LAN(wkd_preset.WKD_PRESET_LAN),
  /** Probe 5 s, gossip 500 ms, suspicion multiplier 6, push/pull 60 s. */
  WAN(wkd_preset.WKD_PRESET_WAN),
  /** Probe 1 s, gossip 100 ms, suspicion multiplier 3, push/pull 15 s. */
  LOCAL(wkd_preset.WKD_PRESET_LOCAL);

  final int code;

  Preset(int code) {
    this.code = code;
  }
}
