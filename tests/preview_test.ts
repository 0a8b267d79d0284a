import { assertEquals } from "@std/assert";
import { preview } from "../lib/record/_preview.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("preview: short, printable, never the whole payload", () => {
  assertEquals(preview(bytes("hello")), "hello");
  assertEquals(preview("hello"), "hello");
  assertEquals(preview(bytes("a\nb\tc\x00d\x7f")), "a↵b\tc·d·");
  assertEquals(preview("a\nb\x01"), "a↵b·");
  assertEquals(preview(bytes("你好, UDP!")), "你好, UDP!");
  assertEquals(preview(bytes("😀 ok")), "😀 ok");
  assertEquals(preview(new Uint8Array([0xff, 0xc3, 0x28, 0xe2, 0x82])), "··(··");
  assertEquals(preview(bytes("x".repeat(100))), "x".repeat(40) + "…");
  assertEquals(preview("y".repeat(41)), "y".repeat(40) + "…");
  // a multi-byte character cut at the 40-byte limit becomes "·", not a broken string
  assertEquals(preview(bytes("a".repeat(39) + "é")), "a".repeat(39) + "·…");
  assertEquals(preview([bytes("first"), bytes("second")]), "first");
  assertEquals(preview(42), undefined);
});
