/// Splits a byte stream into frames, keeping the bytes of an incomplete frame until the rest
/// arrives.
///
/// The buffer starts at `bufferBytes` (64 KiB) and grows, by doubling as bytes arrive, only to
/// hold one frame larger than that; it shrinks back once empty. A socket reader receives straight into its free space
/// (`receive`), so bytes are copied once more only when a frame's payload is taken out.
public struct FrameDecoder {
    public let framePayloadBytesMax: Int
    /// The buffer's resting size.
    public let bufferBytes: Int
    private var storage: [UInt8]
    private var readIndex = 0
    private var writeIndex = 0

    public init(framePayloadBytesMax: Int = Frame.payloadBytesMaxDefault, bufferBytes: Int = 64 << 10) {
        precondition(framePayloadBytesMax >= 0, "framePayloadBytesMax must not be negative")
        precondition(bufferBytes >= Frame.headerBytes, "bufferBytes must hold a frame header")
        self.framePayloadBytesMax = framePayloadBytesMax
        self.bufferBytes = bufferBytes
        storage = [UInt8](repeating: 0, count: bufferBytes)
    }

    /// Bytes received and not yet returned in a frame.
    public var bufferedBytes: Int { writeIndex - readIndex }

    /// The buffer's current size.
    var capacityBytes: Int { storage.count }

    /// Adds received bytes.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var rest = bytes[...]
        while !rest.isEmpty {
            let copied = receive { free in
                let count = min(free.count, rest.count)
                free.copyBytes(from: rest.prefix(count))
                return count
            }
            rest = rest.dropFirst(copied)
        }
    }

    /// Lets `fill` write into the free space (at least one byte) and keeps what it reports written.
    @discardableResult
    public mutating func receive<Failure: Error>(
        _ fill: (UnsafeMutableRawBufferPointer) throws(Failure) -> Int) throws(Failure) -> Int {
        makeRoom(forTotal: bufferedBytes + 1)
        if readIndex > 0 && storage.count - writeIndex < storage.count / 4 { compact() }
        let start = writeIndex
        let outcome = storage.withUnsafeMutableBytes { raw in
            Result { () throws(Failure) -> Int in try fill(UnsafeMutableRawBufferPointer(rebasing: raw[start...])) }
        }
        let count = try outcome.get()
        precondition(count >= 0 && count <= storage.count - start, "receive reported \(count) bytes")
        writeIndex += count
        return count
    }

    /// The next whole frame, or nil if more bytes are needed; throws when the bytes are not a frame.
    public mutating func next() throws(FrameError) -> Frame? {
        switch try Frame.decode(storage[readIndex..<writeIndex], framePayloadBytesMax: framePayloadBytesMax) {
        case .frame(let frame, let byteCount):
            readIndex += byteCount
            if readIndex == writeIndex { reset() }
            return frame
        case .needMoreBytes(let totalBytes):
            // Room for the whole frame, growing at most twofold at a time, so memory follows the
            // bytes that actually arrived rather than the length a header announced.
            makeRoom(forTotal: min(totalBytes, 2 * storage.count))
            return nil
        }
    }

    /// Call at the end of the stream: throws `truncated` if part of a frame is left.
    public func finish() throws(FrameError) {
        guard bufferedBytes > 0 else { return }
        let needed: Int
        switch (try? Frame.decode(storage[readIndex..<writeIndex], framePayloadBytesMax: framePayloadBytesMax)) {
        case .needMoreBytes(let totalBytes): needed = totalBytes
        default: needed = Frame.headerBytes
        }
        throw .truncated(receivedBytes: bufferedBytes, neededBytes: needed)
    }

    /// Ensures the buffer can hold `total` bytes from `readIndex`, moving the unread bytes to the
    /// front or growing the buffer (at least twofold, at most to the largest frame) as needed.
    private mutating func makeRoom(forTotal total: Int) {
        if readIndex + total <= storage.count { return }
        if total > storage.count {
            let unread = bufferedBytes
            let frameBytesMax = Frame.headerBytes + framePayloadBytesMax
            var grown = [UInt8](repeating: 0, count: max(total, min(2 * storage.count, frameBytesMax)))
            grown.withUnsafeMutableBytes { target in
                storage.withUnsafeBytes { source in
                    target.baseAddress!.copyMemory(from: source.baseAddress! + readIndex, byteCount: unread)
                }
            }
            storage = grown
            readIndex = 0
            writeIndex = unread
        } else {
            compact()
        }
    }

    /// Moves the unread bytes to the front of the buffer (the regions may overlap: `memmove`).
    private mutating func compact() {
        let unread = bufferedBytes
        if unread > 0 {
            let from = readIndex
            storage.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: unread)
            }
        }
        readIndex = 0
        writeIndex = unread
    }

    private mutating func reset() {
        readIndex = 0
        writeIndex = 0
        if storage.count > bufferBytes { storage = [UInt8](repeating: 0, count: bufferBytes) }
    }
}
