/** A forked child that echoes each IPC message: the baseline of toProcess's overhead. */
process.on('message', (message) => process.send?.(message));
process.on('disconnect', () => process.exit(0));
