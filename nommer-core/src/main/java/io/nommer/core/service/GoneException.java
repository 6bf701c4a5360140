package io.nommer.core.service;

/** What the request names existed but is no longer kept (HTTP 410), e.g. a deleted output file. */
public final class GoneException extends ServiceException {
    public GoneException(String code, String message) {
        super(code, null, message);
    }
}
