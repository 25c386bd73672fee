// Markdown text (react-markdown + GFM), loaded on first use. Raw HTML in the source is not
// rendered, so markdown cannot inject script.
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { useTheme } from "@fluentui/react";

export default function Markdown({ id, value, style }: { id: string; value: string; style: Record<string, string> }) {
  const theme = useTheme();
  return (
    <div className="pglet-markdown" data-pglet-id={id} style={{ fontFamily: theme.fonts.medium.fontFamily, fontSize: theme.fonts.medium.fontSize as string, color: theme.semanticColors.bodyText, ...style }}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        components={{
          a: ({ href, children }) => (
            <a href={href} style={{ color: theme.palette.themePrimary }} target={href?.startsWith("#") ? undefined : "_blank"} rel="noreferrer noopener">
              {children}
            </a>
          ),
        }}
      >
        {value}
      </ReactMarkdown>
    </div>
  );
}
