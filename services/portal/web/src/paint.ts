/**
 * Runs `fn` once the browser has painted its next frame (a timer set in a frame's callback runs
 * after that frame's paint); returns what cancels it. For work a click need not wait for: the
 * click's own task then ends with the new page's render, and the frame shows it sooner.
 */
export function afterNextPaint(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(fn);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
