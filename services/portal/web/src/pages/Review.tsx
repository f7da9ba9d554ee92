export function ReviewQueue() {
  return <div>ReviewQueue</div>;
}
export function ReviewDetail() {
  return <div>ReviewDetail</div>;
}
