// A producer that pushes (a callback API) read as an async iterator that pulls: push() waits while
// the buffer is full, so the producer never runs far ahead of the consumer.

const ROOM = 64;

export async function* pull<T>(produce: (push: (item: T) => Promise<void>) => Promise<unknown>): AsyncGenerator<T> {
  const buffer: T[] = [];
  let wake: (() => void) | undefined;
  let room: (() => void) | undefined;
  let done = false;
  let closed = false;
  let failure: { error: unknown } | undefined;
  const push = async (item: T) => {
    if (closed) throw new Error('the reader stopped');
    buffer.push(item);
    wake?.();
    while (buffer.length >= ROOM && !closed) await new Promise<void>((resolve) => (room = resolve));
  };
  produce(push).then(
    () => {
      done = true;
      wake?.();
    },
    (error: unknown) => {
      if (!closed) failure = { error };
      done = true;
      wake?.();
    },
  );
  try {
    for (;;) {
      if (buffer.length) {
        const item = buffer.shift()!;
        room?.();
        yield item;
      } else if (done) {
        if (failure) throw failure.error;
        return;
      } else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    // The reader left early: a push still waiting for room rejects, and the producer ends.
    closed = true;
    room?.();
  }
}
