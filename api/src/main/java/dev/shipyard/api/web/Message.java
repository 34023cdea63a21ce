package dev.shipyard.api.web;

/** A response that only says what happened: {@code {"message": "..."}}. */
public record Message(String message) {}
