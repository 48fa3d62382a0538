package io.beacon.registry.command;

/** A decoded command with the leader's timestamp it carries; apply reads time only from here. */
public record StampedCommand(long stampMillis, Command command) {
}
