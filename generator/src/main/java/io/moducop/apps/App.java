package io.moducop.apps;

/**
 * One application of a profile: its name (systemd instance and compose project) and its compose
 * file. {@code composeSource} is the path as the profile gave it, for messages only.
 */
public record App(String name, String composeSource, ComposeApp compose) {
}
