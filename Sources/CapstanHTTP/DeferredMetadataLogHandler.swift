import Logging

/// A log handler that keeps the metadata set on a logger as it is, and hands it to the
/// `StreamLogHandler` it wraps only when a line is written. Not generic over the wrapped
/// handler: a generic one's type metadata is looked up on every request.
///
/// Why: swift-log's `StreamLogHandler` renders its metadata to text every time a key is set,
/// and Hummingbird sets a request id on the logger of every request. Rendering took 2.3% of a
/// prediction request's CPU and 3.6% of a request that does little else, for text that is read only when the request logs a line, which
/// at the default level it does not. Lines come out exactly as the wrapped handler writes
/// them; the logger's metadata reaches it as the line's own, so a line's explicit metadata
/// still wins over the logger's.
public struct DeferredMetadataLogHandler: LogHandler {
    public var wrapped: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(_ wrapped: StreamLogHandler) {
        self.wrapped = wrapped
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        wrapped.log(event: event)
    }
}
