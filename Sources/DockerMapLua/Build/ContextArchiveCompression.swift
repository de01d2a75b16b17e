import NIOCore
import NIOPosix

extension BuildContext {
    /// Streams the archive to `sink`, compressed with `compression` (`nil`: plain, as `write(to:)`), in pieces of
    /// at most `chunkSize` bytes. This is what `POST /build` accepts: the engine recognises gzip and bzip2 by their
    /// magic bytes.
    ///
    /// The compression is done by the system's `gzip -c` or `bzip2 -c` (at their default levels, as `tar -czf` and
    /// `tar -cjf`), started with `posix_spawn` as a filter between two pipes, so that it runs on another core while
    /// the tar stream is made. It is always reaped; should the sink fail, it is killed.
    ///
    /// - Throws: `DMapError(.build)` naming a file that cannot be read (see `write(to:)`), or when the compressor is
    ///   missing, fails, or is killed; whatever the sink throws.
    public func write(
        compression: CompressionFormat?, chunkSize: Int = TarWriter.defaultChunkSize,
        to sink: @escaping TarWriter.Sink
    ) async throws {
        guard let compression else { return try await write(chunkSize: chunkSize, to: sink) }
        let input = try CompressInput()
        let output = try CompressOutput()
        let process = try CompressProcess.start(
            compression, decompress: false, stdin: input.childEnd, stdout: output.childEnd)
        input.closeChildEnd()
        output.closeChildEnd()
        defer {
            process.terminate()
            output.close()
        }
        // Feeding and draining block; they get threads of their own, so that they cannot wait for each other on a
        // shared pool that is busy.
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        do {
            try await pump(input: input, output: output, process: process, pool: pool, chunkSize: chunkSize, sink: sink)
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
        if let problem = process.wait() {
            throw DMapError(.build, "cannot compress the build context: \(problem)")
        }
    }

    /// Writes the archive into `input` in a child task while handing what comes out of `output` to `sink`.
    private func pump(
        input: CompressInput, output: CompressOutput, process: CompressProcess, pool: NIOThreadPool, chunkSize: Int,
        sink: TarWriter.Sink
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { input.close() }
                try await self.write(chunkSize: chunkSize) { chunk in
                    try await pool.runIfActive { try input.send(chunk) }
                }
            }
            do {
                while let chunk = try await pool.runIfActive({ try output.read(upTo: chunkSize) }) {
                    try await sink(chunk)
                }
            } catch {
                process.terminate()  // the feeder's next write fails at once
                _ = await group.nextResult()
                throw error
            }
            try await group.next()
        }
    }

    /// Writes the archive, compressed with `compression` (`nil`: plain), to the file at `path`, replacing it
    /// atomically: the archive is written to a new file beside it, which is renamed to `path` only once complete.
    /// On failure no file is left behind and an existing file at `path` is untouched.
    ///
    /// With compression, the compressor writes the file itself (`gzip -c > file`), as `tar -czf` has it do.
    ///
    /// - Throws: `DMapError(.build)` naming `path` when it cannot be written, or a file of the context that cannot
    ///   be read; a failing compressor.
    public func save(
        to path: String, compression: CompressionFormat?, chunkSize: Int = TarWriter.defaultChunkSize
    ) async throws {
        let file = try AtomicFile(
            destination: path, action: "save the build context to", openKind: .build, writeKind: .build)
        do {
            if let compression {
                try await writeCompressed(compression, toDescriptor: file.descriptor, chunkSize: chunkSize)
            } else {
                try await write(chunkSize: chunkSize) { chunk in
                    try await NIOThreadPool.singleton.runIfActive { try file.write(chunk) }
                }
            }
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Writes the archive into a compressor whose output is the open file `descriptor`. The compressor never waits
    /// for this process, so the shared thread pool can block on feeding it.
    private func writeCompressed(_ compression: CompressionFormat, toDescriptor fd: CInt, chunkSize: Int) async throws
    {
        let input = try CompressInput()
        let process = try CompressProcess.start(compression, decompress: false, stdin: input.childEnd, stdout: fd)
        input.closeChildEnd()
        defer { process.terminate() }
        do {
            try await write(chunkSize: chunkSize) { chunk in
                try await NIOThreadPool.singleton.runIfActive { try input.send(chunk) }
            }
        } catch {
            input.close()
            throw error
        }
        input.close()
        if let problem = process.wait() {
            throw DMapError(.build, "cannot compress the build context: \(problem)")
        }
    }
}
