//! Wraps a plugin's core module in its component: `componentize <module.wasm> <component.wasm>`.

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        return Err("usage: componentize <module.wasm> <component.wasm>".into());
    };
    let module = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let component = maxai_wasm::componentize(&module)?;
    std::fs::write(output, component).map_err(|e| format!("{output}: {e}"))
}
